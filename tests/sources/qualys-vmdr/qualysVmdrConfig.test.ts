import { expect } from 'chai';
import { hldParams, qualysDateTime } from '../../../connector/sources/qualys-vmdr/hldParams.js';
import { qualysVmdrConfigSchema } from '../../../connector/sources/qualys-vmdr/qualysVmdrConfig.js';
import { makeConfig } from './qualysTestKit.js';

const base = { type: 'qualys-vmdr', url: 'https://qualysapi.qualys.com', username: { env: 'QUALYS_USERNAME' }, password: { file: '/run/secrets/qualys' } };

describe('qualys-vmdr/config and HLD parameters', () => {
  it('fills the documented defaults', () => {
    const c = qualysVmdrConfigSchema.parse(base);
    expect(c.apiVersion).to.equal('5.0');
    expect(c.kbApiVersion).to.equal('2.0');
    expect(c.status).to.deep.equal(['New', 'Active', 'Re-Opened', 'Fixed']);
    expect(c.incremental).to.equal('detection_updated_since');
    expect(c.truncationLimit).to.equal(1000);
    expect(c.requestedWith).to.equal('vulnbridge');
    expect(c.overlapMinutes).to.equal(10);
  });

  it('rejects unknown keys, bad statuses and secrets written inline, naming the path', () => {
    const unknown = qualysVmdrConfigSchema.safeParse({ ...base, pageSize: 5 });
    expect(unknown.success).to.equal(false);
    expect(unknown.error?.issues[0]?.code).to.equal('unrecognized_keys');

    const status = qualysVmdrConfigSchema.safeParse({ ...base, status: ['Open'] });
    expect(status.error?.issues[0]?.path).to.deep.equal(['status', 0]);

    const inline = qualysVmdrConfigSchema.safeParse({ ...base, password: 'hunter2' });
    expect(inline.error?.issues[0]?.path).to.deep.equal(['password']);

    const action = qualysVmdrConfigSchema.safeParse({ ...base, extraParams: 'action=delete' });
    expect(action.error?.issues[0]?.path).to.deep.equal(['extraParams']);
  });

  it('always asks for Fixed, maps filters and tags to Qualys parameter names', () => {
    const p = hldParams(
      makeConfig({
        status: ['New', 'Active'],
        severities: [4, 5],
        qids: [11830, '38170-38175'],
        includeVulnType: 'confirmed',
        agIds: [12],
        tags: { include: ['Production', 'PCI'], exclude: ['Decommissioned'], setBy: 'name', includeSelector: 'all' },
        showResults: false,
        truncationLimit: 250,
      }),
    );
    expect(p).to.include({
      action: 'list',
      status: 'New,Active,Fixed',
      severities: '4,5',
      qids: '11830,38170-38175',
      include_vuln_type: 'confirmed',
      ag_ids: '12',
      use_tags: '1',
      tag_set_by: 'name',
      tag_include_selector: 'all',
      tag_set_include: 'Production,PCI',
      tag_exclude_selector: 'any',
      tag_set_exclude: 'Decommissioned',
      show_results: '0',
      show_qds: '1',
      include_ignored: '1',
      truncation_limit: '250',
    });
    expect(p).to.not.have.property('detection_updated_since');
  });

  it('adds the incremental cursor under the configured parameter, and extraParams last', () => {
    expect(hldParams(makeConfig(), '2026-01-01T00:00:00Z')).to.include({ detection_updated_since: '2026-01-01T00:00:00Z' });
    expect(hldParams(makeConfig({ incremental: 'vm_processed_after' }), '2026-01-01T00:00:00Z')).to.include({ vm_processed_after: '2026-01-01T00:00:00Z' });
    expect(hldParams(makeConfig({ extraParams: 'include_disabled=1&show_igs=1&truncation_limit=5' }))).to.include({ include_disabled: '1', show_igs: '1', truncation_limit: '5' });
    expect(hldParams(makeConfig({ extraParams: { arf_kernel_filter: 1, show_reopened_info: true } }))).to.include({ arf_kernel_filter: '1', show_reopened_info: '1' });
  });

  it('formats cursors the way Qualys date filters expect', () => {
    expect(qualysDateTime(new Date('2026-01-10T11:50:00.123Z'))).to.equal('2026-01-10T11:50:00Z');
  });
});
