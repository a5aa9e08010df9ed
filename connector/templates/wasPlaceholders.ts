import { plain, type PlaceholderEntries } from './placeholderInfo.js';

// WAS: the flattened names of the two Qualys WAS templates (qualys.md §0, §3).
export const WAS_PLACEHOLDERS: PlaceholderEntries = plain([
  'ID', 'UNIQUE_ID', 'QID', 'SEVERITY', 'STATUS', 'FINDING_TYPE', 'ISSUE_TYPE', 'DETECTION_TYPE', 'OWASP', 'CWE',
  'FIRST_DETECTED_DATE', 'LAST_DETECTED_DATE', 'TIMES_DETECTED', 'WEBAPP_ID', 'WEBAPP_NAME', 'WEBAPP_URL', 'RESULT',
  // Not in the Qualys templates; our WAS source fills them (the finding's URL and name).
  'URL', 'NAME',
]);
