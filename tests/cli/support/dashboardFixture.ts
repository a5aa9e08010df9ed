import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { customField, defaultSimData, type SimData } from '../../sim/jira/simData.js';
import type { JiraSim } from '../../sim/jira/startJiraSim.js';

/** The simulator's clock for dashboard tests and the rendered picture. */
export const DASHBOARD_NOW = new Date('2026-12-10T12:00:00Z');

/** The contract's Severity and Host fields (issue 12) in place of the Qualys reference ones of the same name. */
export function dashboardSimData(): SimData {
  const d = defaultSimData();
  d.fields = d.fields.filter((f) => !['severity', 'host'].includes(f.name.toLowerCase()));
  d.fields.push(customField(11000, 'Severity', 'select', ['Critical', 'High', 'Medium', 'Low', 'Info']), customField(11001, 'Host', 'textfield'));
  return d;
}

/**
 * Job vmdr's tickets: open High ×2 (one overdue), open Low ×1, a Medium in progress
 * (overdue), one closed by vulnbridge; plus a decoy of another job that no gadget may count.
 */
export function seedDashboardTickets(sim: JiraSim): void {
  const t = (priority: string, severity: string, more: Parameters<JiraSim['seedIssue']>[0] = {}, extra: Record<string, unknown> = {}) =>
    sim.seedIssue({ ...more, labels: ['vb-job-vmdr', ...(more.labels ?? [])], fields: { priority: { name: priority }, customfield_11000: { value: severity }, customfield_11001: 'web01', ...extra } });
  t('High', 'Critical', { created: '2026-12-01T00:00:00Z' }, { duedate: '2026-12-05' }); // VULN-1 overdue
  t('High', 'High', { created: '2026-12-08T00:00:00Z' }, { duedate: '2026-12-20' }); // VULN-2
  t('Low', 'Low', { created: '2026-11-01T00:00:00Z' }); // VULN-3
  t('Medium', 'High', { status: 'In Progress', created: '2026-12-09T00:00:00Z' }, { duedate: '2026-12-01' }); // VULN-4 overdue
  t('High', 'Critical', { status: 'Done', labels: ['vb-sla-met'], created: '2026-11-20T00:00:00Z', resolved: '2026-12-03T00:00:00Z' }); // VULN-5
  sim.seedIssue({ labels: ['vb-job-other'], fields: { priority: { name: 'High' } } }); // VULN-6
}

/** A config with one VMDR job per name writing to VULN on the simulator (the token from `tokenEnv`). */
export function writeDashboardConfig(sim: JiraSim, dir: string, tokenEnv: string, reporting: string[] = [], jobs = ['vmdr']): string {
  const cloud = sim.flavor === 'cloud';
  const lines = [`stateDir: ${JSON.stringify(path.join(dir, 'state'))}`, 'log: { level: error }', ...reporting, 'jobs:'];
  for (const job of jobs) {
    lines.push(
      `  - name: ${job}`, '    schedule: "0 */4 * * *"', `    template: ${JSON.stringify(path.resolve('templates/vmdr-per-detection.json'))}`, '    project: VULN',
      '    source:', '      type: qualys-vmdr', '      url: https://qualysapi.qg2.apps.qualys.com', '      username: { env: VB_UNUSED }', '      password: { env: VB_UNUSED }',
      '    sink:', '      type: jira', `      url: ${sim.url}`, `      flavor: ${cloud ? 'cloud' : 'datacenter'}`, ...(cloud ? ['      email: bot@example.com'] : []), `      token: { env: ${tokenEnv} }`,
    );
  }
  const file = path.join(dir, 'vulnbridge.yml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
