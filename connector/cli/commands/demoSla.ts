import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { slaCounts } from '../../templates/sla/computeSla.js';
import type { AppContext } from '../appContext.js';

/** What the demo reads of the Qualys simulator's data (demoCommand.ts passes it in). */
interface VmdrData {
  allDetections(): Iterable<[unknown, { QID: string; STATUS: string }]>;
  kb(qid: string): { CVES: string[] } | undefined;
}

/**
 * A small KEV catalog in CISA's format: a CVE of an open detection, due 2021-11-17 (the
 * first BOD 22-01 deadline), so its ticket gets `vb-kev` and the catalog's due date.
 */
export function writeDemoKev(dir: string, data: VmdrData): string {
  let cve: string | undefined;
  for (const [, d] of data.allDetections()) {
    if (d.STATUS === 'Fixed') continue;
    cve = data.kb(d.QID)?.CVES[0];
    if (cve) break;
  }
  const file = path.join(dir, 'kev-demo.json');
  const vulnerabilities = cve
    ? [{ cveID: cve, vendorProject: 'Demo', product: 'Demo', vulnerabilityName: 'Demo known exploited vulnerability', dateAdded: '2021-11-03', shortDescription: '', requiredAction: 'Apply updates per vendor instructions.', dueDate: '2021-11-17', knownRansomwareCampaignUse: 'Known', notes: '', cwes: [] }]
    : [];
  writeFileSync(file, JSON.stringify({ title: 'CISA Catalog of Known Exploited Vulnerabilities (demo copy)', catalogVersion: 'demo', count: vulnerabilities.length, vulnerabilities }, null, 2));
  return file;
}

const SLA_LABEL = /^vb-(sla-|kev$)/;

/** Due dates and SLA labels of a few tickets, and per job how many are open, due soon and breached. */
export function showSla(app: AppContext, issues: ReadonlyArray<{ key: string; fields: Record<string, unknown> }>, out: (t: string) => void, now = new Date()): void {
  out(`\n== Remediation SLAs (as of ${now.toISOString().slice(0, 10)}): due dates from when the scanner first found each finding`);
  const dated = issues.filter((i) => typeof i.fields.duedate === 'string');
  const labels = (i: { fields: Record<string, unknown> }) => ((i.fields.labels as string[] | undefined) ?? []).filter((l) => SLA_LABEL.test(l));
  const sample = [...dated.filter((i) => labels(i).includes('vb-kev')), ...dated.filter((i) => labels(i).includes('vb-sla-breached')).slice(0, 3), ...dated.filter((i) => labels(i).includes('vb-sla-met') || labels(i).includes('vb-sla-missed')).slice(0, 2)];
  for (const i of [...new Set(sample)]) out(`  ${i.key.padEnd(9)} due ${String(i.fields.duedate)}  ${labels(i).join(' ')}`);
  for (const job of app.config.jobs) {
    const c = slaCounts(app.state.tickets.openDueDates(job.name), now);
    out(`${job.name}: ${c.open} open ticket(s) with a due date, ${c.dueSoon} due within 7 days, ${c.breached} breached`);
  }
  out(`(${dated.length} of ${issues.length} Jira issues have a due date; JQL: labels = vb-sla-breached AND statusCategory != Done)`);
}
