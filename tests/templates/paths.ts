import path from 'node:path';

/** The eight Qualys reference templates (read-only, next to the repository). */
export const REFERENCE_DIR = path.resolve(process.cwd(), '../shared/reference/qualys-ticketing-templates');
export const REFERENCE_FILES = [
  'CS_Container_Link_Ticket_Scheme.json',
  'CS_Container_Sub_Ticket_Scheme.json',
  'CS_Image_Link_Ticket_Scheme.json',
  'CS_Image_Sub_Ticket_Scheme.json',
  'Host_Vuln_Linking_Ticket_Scheme.json',
  'Per_Detection_Separate_Ticket_Scheme.json',
  'Per_Web_App_Finding_Ticket_Scheme.json',
  'WAS_Finding_Vuln_Linking_Ticket_Scheme.json',
];
/** Our own default templates. */
export const OURS_DIR = path.resolve(process.cwd(), 'templates');
export const PER_DETECTION = path.join(OURS_DIR, 'vmdr-per-detection.json');
export const HOST_LINKING = path.join(OURS_DIR, 'vmdr-host-linking.json');
