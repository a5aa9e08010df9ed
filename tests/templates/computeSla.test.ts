import { expect } from 'chai';
import { computeSla, slaCounts } from '../../connector/templates/sla/computeSla.js';
import { slaContext, slaLabels } from '../../connector/templates/sla/slaContext.js';
import { slaInputsOf } from '../../connector/templates/sla/slaInputs.js';
import { resolveSlaPolicy } from '../../connector/templates/sla/slaPolicy.js';
import { isKnownPlaceholder, MODULE_NAMES } from '../../connector/templates/modulePlaceholders.js';

const policy = resolveSlaPolicy({}) as NonNullable<ReturnType<typeof resolveSlaPolicy>>;
const noKev = () => undefined;
const now = new Date('2026-01-10T08:00:00Z');

describe('templates/sla: computeSla', () => {
  it('counts the days from first found by severity (DefectDojo defaults), info has none', () => {
    const base = { start: '2026-01-01T22:00:00Z', scores: {}, cves: [] };
    expect(computeSla({ ...base, severity: 'Critical' }, policy, noKev, now)).to.deep.include({ dueDate: '2026-01-08', days: 7, daysLeft: -2, state: 'breached' });
    expect(computeSla({ ...base, severity: 'High' }, policy, noKev, now)).to.deep.include({ dueDate: '2026-01-31', state: 'on-track' });
    expect(computeSla({ ...base, severity: 'Information' }, policy, noKev, now)).to.equal(undefined);
    expect(computeSla({ ...base, severity: 'Critical', start: '2026-01-05T00:00:00Z' }, policy, noKev, now)?.state).to.equal('due-soon');
  });

  it('takes score ranges before severity, and KEV\'s due date when earlier', () => {
    const byQds = resolveSlaPolicy({ score: { by: 'qds', ranges: [{ min: 90, max: 100, days: 3 }, { min: 1, max: 89, days: 60 }] } });
    const inputs = { start: '2026-01-01T00:00:00Z', severity: 'Low' as const, scores: { qds: 95 }, cves: ['CVE-2021-44228'] };
    expect(computeSla(inputs, byQds!, noKev, now)?.dueDate).to.equal('2026-01-04');
    const kev = { cveID: 'CVE-2021-44228', dueDate: '2026-01-02', dateAdded: '2025-12-01', knownRansomwareCampaignUse: 'Known' };
    const r = computeSla({ ...inputs, scores: {} }, policy, (c) => (c === 'CVE-2021-44228' ? kev : undefined), now);
    expect(r).to.deep.include({ dueDate: '2026-01-02', days: 1, kev: { cve: 'CVE-2021-44228', dueDate: '2026-01-02', ransomware: 'Known' } });
    expect(slaContext(r)).to.include({ DUE_DATE: '2026-01-02', KEV: '2026-01-02', KEV_RANSOMWARE: 'Known', STATE: 'breached' });
    expect(slaContext(undefined).DUE_DATE).to.equal('');
  });

  it('labels: breached while open; met or missed once closed, kept once decided', () => {
    const r = computeSla({ start: '2026-01-01T00:00:00Z', severity: 'Critical', scores: {}, cves: [] }, policy, noKev, now);
    expect(slaLabels(r, { open: true, breachedLabel: 'vb-sla-breached', held: [], now })).to.deep.equal(['vb-sla-breached']);
    expect(slaLabels(r, { open: false, breachedLabel: 'vb-sla-breached', held: [], now })).to.deep.equal(['vb-sla-missed']);
    expect(slaLabels(r, { open: false, breachedLabel: 'x', held: ['vb-sla-met'], now })).to.deep.equal(['vb-sla-met']);
    expect(slaCounts(['2026-01-09', '2026-01-10', '2026-01-17', '2026-01-18'], now)).to.deep.equal({ open: 4, dueSoon: 2, breached: 1 });
  });

  it('finds first found (and a later re-open) per module', () => {
    const vmdr = slaInputsOf('VMDR', { FIRST_FOUND_DATETIME: '2024-01-01T00:00:00Z', LAST_REOPENED_DATETIME: '2025-06-01T00:00:00Z', SEVERITY: '4', QDS: { content: '72' }, VULN: { CVES: 'CVE-2024-1234, cve-2023-9999' } });
    expect(vmdr).to.deep.equal({ start: '2025-06-01T00:00:00.000Z', severity: 'High', scores: { qds: 72 }, cves: ['CVE-2024-1234', 'CVE-2023-9999'] });
    expect(slaInputsOf('WAS', { FIRST_DETECTED_DATE: '2025-02-03T04:05:06Z', SEVERITY: '5' })?.start).to.equal('2025-02-03T04:05:06.000Z');
    expect(slaInputsOf('CS-Image', { vuln: { firstFound: '2025-01-01T00:00:00.000Z', severity: 3, qdsScore: 50, cveids: ['CVE-2020-1111'] } })).to.deep.include({ severity: 'Medium', cves: ['CVE-2020-1111'] });
    expect(slaInputsOf('XRAY', { CREATED: '2025-03-04T00:00:00Z', SEVERITY: 'Critical', CVSS_SCORE: '9.8', CVES: ['CVE-2021-44228'] })).to.deep.include({ scores: { cvss: 9.8 } });
    expect(slaInputsOf('XRAY', { SEVERITY: 'Critical' })).to.equal(undefined);
  });

  it('${SLA.*} is in every module\'s vocabulary, and nothing else under SLA', () => {
    for (const m of MODULE_NAMES) {
      for (const n of ['DUE_DATE', 'DAYS', 'DAYS_LEFT', 'STATE', 'KEV', 'KEV_RANSOMWARE']) expect(isKnownPlaceholder(m, `SLA.${n}`), `${m} SLA.${n}`).to.equal(true);
      expect(isKnownPlaceholder(m, 'SLA.DUE')).to.equal(false);
    }
  });
});
