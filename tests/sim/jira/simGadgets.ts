/**
 * The classic gadgets the simulator's Jira Cloud offers (`GET /rest/api/3/dashboard/gadgets`),
 * each with the spec XML served at its uri and the UserPrefs that XML declares. The pref
 * names follow the gadget XMLs of Jira's source (api-notes/jira-reporting-sla-bulk.md Q2):
 * a gadget reads only the prefs it declares and ignores any other key of its `config`.
 */
export interface SimGadgetType {
  uri: string;
  title: string;
  kind: 'filter-results' | 'pie' | 'two-dimensional' | 'created-vs-resolved' | 'heat-map';
  prefs: Array<{ name: string; default: string }>;
}

const base = (name: string, file: string) => `rest/gadgets/1.0/g/com.atlassian.jira.gadgets:${name}/gadgets/${file}`;
const pref = (name: string, def = '') => ({ name, default: def });

export const SIM_GADGETS: readonly SimGadgetType[] = [
  {
    uri: base('filter-results-gadget', 'filter-results-gadget.xml'),
    title: 'Filter Results',
    kind: 'filter-results',
    prefs: [pref('isConfigured', 'false'), pref('isPopup', 'false'), pref('filterId'), pref('num', '10'), pref('columnNames', '--Default--'), pref('refresh', 'false')],
  },
  {
    uri: base('pie-chart-gadget', 'piechart-gadget.xml'),
    title: 'Pie Chart',
    kind: 'pie',
    prefs: [pref('isConfigured', 'false'), pref('isPopup', 'false'), pref('projectOrFilterId'), pref('statType', 'assignees'), pref('refresh', 'false')],
  },
  {
    uri: base('two-dimensional-stats-gadget', 'two-dimensional-stats-gadget.xml'),
    title: 'Two Dimensional Filter Statistics',
    kind: 'two-dimensional',
    prefs: [
      pref('isConfigured', 'false'), pref('filterId'), pref('xstattype', 'assignees'), pref('ystattype', 'statuses'), pref('sortBy', 'natural'),
      pref('sortDirection', 'asc'), pref('showTotals', 'false'), pref('numberToShow', '5'), pref('more', 'false'), pref('refresh', 'false'),
    ],
  },
  {
    uri: base('created-vs-resolved-issues-chart-gadget', 'createdvsresolved-gadget.xml'),
    title: 'Created vs. Resolved Chart',
    kind: 'created-vs-resolved',
    prefs: [
      pref('isConfigured', 'false'), pref('isPopup', 'false'), pref('projectOrFilterId'), pref('periodName', 'daily'), pref('daysprevious', '30'),
      pref('isCumulative', 'true'), pref('showUnresolvedTrend', 'false'), pref('versionLabel', 'major'), pref('refresh', 'false'),
    ],
  },
  {
    uri: base('heat-map-gadget', 'heatmap-gadget.xml'),
    title: 'Heat Map',
    kind: 'heat-map',
    prefs: [pref('isConfigured', 'false'), pref('isPopup', 'false'), pref('projectOrFilterId'), pref('statType', 'priorities'), pref('refresh', 'false')],
  },
];

export function simGadget(uri: string | undefined): SimGadgetType | undefined {
  const u = (uri ?? '').replace(/^\/+/, '');
  return SIM_GADGETS.find((g) => g.uri === u);
}

/** The gadget's spec XML, as Jira serves it at its uri (trimmed to what a reader needs). */
export function gadgetXml(g: SimGadgetType): string {
  const prefs = g.prefs
    .map((p) => `  <UserPref name="${p.name}" datatype="${p.name === 'isConfigured' || p.name === 'isPopup' || p.name === 'refresh' ? 'hidden' : 'string'}" default_value="${p.default}"/>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8" ?>\n<Module>\n  <ModulePrefs title="${g.title}" directory_title="${g.title}" author="Atlassian">\n    <Require feature="setprefs"/>\n  </ModulePrefs>\n${prefs}\n  <Content type="html" view="profile,canvas,home"><![CDATA[ ]]></Content>\n</Module>\n`;
}
