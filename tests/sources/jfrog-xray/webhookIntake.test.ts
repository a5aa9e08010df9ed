import { expect } from 'chai';
import nock from 'nock';
import { VulnbridgeError } from '../../../connector/errors.js';
import type { Finding } from '../../../connector/model/finding.js';
import type { Source, WebhookIntake } from '../../../connector/sources/types.js';
import { MODULE_VOCABULARIES } from '../../../connector/templates/moduleVocabularies.js';
import { expectAllMocksUsedThenClean } from '../../support/nockHooks.js';
import { BASE, captureLogger, licenseViolation, makeSource, nockViolations, pullAll, pullContext, securityViolation, VIOLATIONS } from './xrayTestKit.js';

const LIBSSL = 'deb://debian:buster:libssl1.1:1.1.1d-0';
const LIBC = 'deb://debian:buster:linux-libc-dev:4.19.132-1';
const XRAY_KEYS = Object.keys(MODULE_VOCABULARIES.XRAY.names).filter((k) => k !== 'PROJECT_KEY').sort();

/** A docker image artifact containing the given Debian packages (§2.2 sample shape). */
function dockerArtifact(...debs: string[]): Record<string, unknown> {
  return {
    name: 'manifest.json',
    display_name: 'artifactory-fluentd:1.11.2',
    path: 'default/integrations/artifactory-fluentd/1.11.2/',
    pkg_type: 'Docker',
    sha256: 'a1',
    sha1: '',
    depth: 2,
    parent_sha: 'p1',
    infected_files: debs.map((d) => ({ name: d.split(':').slice(2).join(':'), path: '', sha256: 'f1', depth: 0, parent_sha: 'a1', display_name: d, pkg_type: 'Debian' })),
  };
}

/** Schema 1.1 payload (§2.1). */
function schema11(issues: unknown[]): Record<string, unknown> {
  return {
    schema_version: '1.1',
    alert_id: '66fc68dd0f12d302c68891c1',
    created: '2024-10-01T21:25:49.935220997Z',
    top_severity: 'Critical',
    watch_name: 'test-watch',
    policy_name: 'test-policy',
    policy_rule: 'test-rule',
    issues,
  };
}

function issue11(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vulnerability_id: 'XRAY-173753',
    severity: 'Medium',
    type: 'security',
    provider: 'JFrog',
    created: '2021-04-25T16:08:43.13Z',
    summary: 'OpenSSL NULL pointer dereference',
    description: 'A NULL pointer deref in OpenSSL.',
    impacted_artifacts: [dockerArtifact('debian:buster:libssl1.1:1.1.1d-0')],
    ...overrides,
  };
}

/** Legacy payload (§2.2): no schema_version, no issue id, only `cve`. */
function legacy(issues: unknown[]): Record<string, unknown> {
  return { created: '2021-05-28T19:37:50.075822379Z', top_severity: 'Medium', watch_name: 'watch_test', policy_name: 'watch_test', issues };
}

function legacyIssue(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    severity: 'Medium',
    type: 'security',
    provider: 'JFrog',
    created: '2021-04-08T04:02:38.999Z',
    summary: 'linux-libc-dev issue',
    description: 'In the Linux kernel ...',
    cve: 'CVE-2021-3483',
    impacted_artifacts: [dockerArtifact('debian:buster:linux-libc-dev:4.19.132-1')],
    ...overrides,
  };
}

function intake(source: Source): WebhookIntake {
  if (!source.webhook) throw new Error('jfrog-xray must expose a webhook intake');
  return source.webhook;
}

const wctx = (log = captureLogger().log) => ({ signal: new AbortController().signal, log });

function invalidReason(body: unknown): string {
  try {
    intake(makeSource()).check(body);
  } catch (err) {
    expect(err).to.be.instanceOf(VulnbridgeError);
    expect((err as VulnbridgeError).code).to.equal('WEBHOOK_INVALID');
    return (err as VulnbridgeError).message;
  }
  throw new Error('expected WEBHOOK_INVALID');
}

/** The finding a pull yields for this violation. */
async function pulled(violation: Record<string, unknown>): Promise<Finding[]> {
  nock(BASE).get('/xray/api/v2/watches').reply(403, '');
  nockViolations(() => ({ violations: [violation] }));
  const { pages } = await pullAll(makeSource({ watches: [String(violation.watch_name)] }), pullContext());
  expectAllMocksUsedThenClean();
  return pages.flatMap((p) => p.findings);
}

describe('jfrog-xray/webhook intake', () => {
  it('check: describes schema 1.1 and legacy payloads', () => {
    const w = intake(makeSource());
    expect(w.check(schema11([issue11(), issue11(), issue11()])).description).to.equal('schema 1.1 alert 66fc68dd…: 3 issues, watch test-watch');
    expect(w.check(legacy([legacyIssue()])).description).to.equal('legacy payload: 1 issue, watch watch_test');
  });

  it('check: unknown shapes are WEBHOOK_INVALID with the reason', () => {
    expect(invalidReason('not json')).to.contain('not a JSON object');
    expect(invalidReason([legacyIssue()])).to.contain('not a JSON object');
    expect(invalidReason({ issues: [] })).to.contain('no watch_name');
    expect(invalidReason({ watch_name: 'w', issues: 'x' })).to.contain('no issues list');
    expect(invalidReason({ watch_name: 'w', issues: [legacyIssue(), 3] })).to.contain('issues[1] is not an object');
    expect(invalidReason({ ...schema11([]), schema_version: '2.0' })).to.contain('unknown schema_version "2.0"');
    expect(invalidReason({ domain: 'artifact', event_type: 'deployed', data: {} })).to.contain('no watch_name');
  });

  it('schema 1.1: same identity and data keys as the pull for the same violation, marked partial', async () => {
    const fromPull = await pulled(
      securityViolation({ watch_name: 'test-watch', issue_id: 'XRAY-173753', infected_components: [LIBSSL], severity: 'Medium', properties: [] }),
    );
    const page = await intake(makeSource()).findings(schema11([issue11()]), wctx());
    expect(page.findings).to.have.length(1);
    const f = page.findings[0] as Finding;
    expect(f.key).to.equal(fromPull[0]?.key);
    expect(f.key).to.equal(`xray|test-watch|XRAY-173753|${LIBSSL}`);
    expect(f.parentKey).to.equal(LIBSSL);
    expect(f.scope).to.equal('test-watch');
    expect(f.partial).to.equal(true);
    expect(Object.keys(f.data).sort()).to.deep.equal(XRAY_KEYS);
    expect(f.data).to.include({ TYPE: 'Security', SEVERITY: 'Medium', VIOLATION_ID: '', PACKAGE_TYPE: 'deb', COMPONENT_VERSION: '1.1.1d-0' });
    expect(f.data.POLICY).to.deep.equal(['test-policy']);
    expect(f.data.RULE).to.deep.equal(['test-rule']);
    expect(f.data.IMPACTED_ARTIFACTS).to.deep.equal(['default/integrations/artifactory-fluentd/1.11.2/manifest.json']);
  });

  it('groups infected files by component across artifacts; tolerates the Xray 1.x infected_file; falls back to the artifact', async () => {
    const second = { ...dockerArtifact('debian:buster:libssl1.1:1.1.1d-0'), path: 'default/other/app/2.0/' };
    const singular = { name: 'lib.jar', path: 'default/libs-release/', pkg_type: 'Generic', infected_file: { display_name: 'org.x:lib:1.0', name: 'lib-1.0.jar', pkg_type: 'Maven' } };
    const bare = { name: 'lodash-4.17.19.tgz', display_name: 'lodash:4.17.19', path: 'default/npm-remote/lodash/-/', pkg_type: 'Npm' };
    const page = await intake(makeSource()).findings(schema11([issue11({ impacted_artifacts: [dockerArtifact('debian:buster:libssl1.1:1.1.1d-0'), second, singular, bare] })]), wctx());
    const byComponent = new Map(page.findings.map((f) => [f.data.COMPONENT, f.data.IMPACTED_ARTIFACTS]));
    expect([...byComponent.keys()]).to.deep.equal([LIBSSL, 'gav://org.x:lib:1.0', 'npm://lodash:4.17.19']);
    expect(byComponent.get(LIBSSL)).to.deep.equal(['default/integrations/artifactory-fluentd/1.11.2/manifest.json', 'default/other/app/2.0/manifest.json']);
    expect(byComponent.get('gav://org.x:lib:1.0')).to.deep.equal(['default/libs-release/lib.jar']);
  });

  it('legacy: resolves the issue id through Get Violations by watch + CVE and returns full data for the named components', async () => {
    const listed = [
      securityViolation({ watch_name: 'watch_test', issue_id: 'XRAY-140000', infected_components: [LIBC], properties: [{ cve: 'CVE-2021-3483', cvss_v3: '7.8/CVSS:3.1/AV:L' }] }),
      securityViolation({ watch_name: 'watch_test', issue_id: 'XRAY-140000', infected_components: ['deb://debian:bullseye:linux-libc-dev:5.10.0'] }),
    ];
    const { calls } = nockViolations(() => ({ violations: listed }));
    const page = await intake(makeSource()).findings(legacy([legacyIssue()]), wctx());
    expect(calls[0]?.filters).to.deep.equal({ watch_name: 'watch_test', include_details: true, cve_id: 'CVE-2021-3483' });
    expect(page.findings).to.have.length(1);
    const f = page.findings[0] as Finding;
    expect(f.partial).to.equal(undefined);
    expect(f.data).to.include({ ISSUE_ID: 'XRAY-140000', VIOLATION_ID: '1710136527020015616', CVSS_V3_SCORE: 7.8 });
    expectAllMocksUsedThenClean();
    const fromPull = await pulled(listed[0] as Record<string, unknown>);
    expect(f.key).to.equal(fromPull[0]?.key);
  });

  it('legacy license issue: resolved with issue_id = the license name from summary', async () => {
    const { calls } = nockViolations(() => ({
      violations: [licenseViolation({ watch_name: 'watch_test', issue_id: 'Apache-2.0', infected_components: ['gav://org.glassfish.hk2.external:aopalliance-repackaged:2.4.0-b09'] })],
    }));
    const file = { name: 'aopalliance-repackaged-2.4.0-b09.jar', display_name: 'org.glassfish.hk2.external:aopalliance-repackaged:2.4.0-b09', pkg_type: 'Maven' };
    const issue = { severity: 'Critical', type: 'License', summary: 'Apache-2.0', description: 'Apache License 2.0', impacted_artifacts: [{ name: 'test', display_name: 'test:6639', path: 'artifactory-xray/builds/', pkg_type: 'Build', infected_files: [file] }] };
    const page = await intake(makeSource()).findings(legacy([issue]), wctx());
    expect(calls[0]?.filters).to.include({ issue_id: 'Apache-2.0' });
    expect(page.findings.map((f) => f.key)).to.deep.equal(['xray|watch_test|Apache-2.0|gav://org.glassfish.hk2.external:aopalliance-repackaged:2.4.0-b09']);
    expect(page.findings[0]?.data.LICENSE).to.equal('Apache-2.0');
  });

  it('legacy issue without a CVE (XRAY- id only): looked up by description, matched by summary', async () => {
    const listed = [
      securityViolation({ watch_name: 'watch_test', issue_id: 'XRAY-520345', summary: 'linux-libc-dev issue', infected_components: [LIBC], properties: [] }),
      securityViolation({ watch_name: 'watch_test', issue_id: 'XRAY-999', summary: 'another issue, same description', infected_components: [LIBC] }),
    ];
    const { calls } = nockViolations(() => ({ violations: listed }));
    const page = await intake(makeSource()).findings(legacy([legacyIssue({ cve: undefined })]), wctx());
    expect(calls[0]?.filters).to.include({ name_contains: 'In the Linux kernel ...' });
    expect(page.findings.map((f) => f.key)).to.deep.equal([`xray|watch_test|XRAY-520345|${LIBC}`]);
  });

  it('legacy, API down: falls back to the CVE as issue id with a warn saying the pull will see a different id', async () => {
    nock(BASE).post(VIOLATIONS).times(3).reply(503, 'down');
    const { log, lines } = captureLogger();
    const page = await intake(makeSource()).findings(legacy([legacyIssue()]), wctx(log));
    expect(page.findings.map((f) => f.key)).to.deep.equal([`xray|watch_test|CVE-2021-3483|${LIBC}`]);
    expect(page.findings[0]?.partial).to.equal(true);
    expect(page.findings[0]?.data.CVE).to.equal('CVE-2021-3483');
    const warn = lines.find((l) => l.level === 'warn');
    expect(warn?.message).to.contain('different id');
    expect(warn?.meta.id).to.equal('CVE-2021-3483');
  });

  it('legacy: a payload component Xray does not list gets the single listed issue id (partial)', async () => {
    nockViolations(() => ({ violations: [securityViolation({ watch_name: 'watch_test', issue_id: 'XRAY-140000', infected_components: ['deb://debian:bullseye:x:1'] })] }));
    const page = await intake(makeSource()).findings(legacy([legacyIssue()]), wctx());
    expect(page.findings.map((f) => [f.key, f.partial])).to.deep.equal([[`xray|watch_test|XRAY-140000|${LIBC}`, true]]);
  });

  it('issues it cannot read are rejected with a reason; the others still become findings', async () => {
    const page = await intake(makeSource()).findings(
      schema11([issue11({ impacted_artifacts: undefined }), issue11(), issue11({ severity: ['High'], vulnerability_id: 'XRAY-2' })]),
      wctx(),
    );
    expect(page.findings.map((f) => f.data.ISSUE_ID)).to.deep.equal(['XRAY-173753']);
    expect(page.rejected?.map((r) => r.reason)).to.deep.equal(['issues[0]: issue has no impacted_artifacts list', 'severity is not a string']);
    expect(page.label).to.equal('webhook schema 1.1 alert 66fc68dd…: 3 issues, watch test-watch');
  });

  it('findings() refuses an invalid payload the same way check() does', async () => {
    let err: unknown;
    try {
      await intake(makeSource()).findings({ watch_name: 'w' }, wctx());
    } catch (e) {
      err = e;
    }
    expect((err as VulnbridgeError).code).to.equal('WEBHOOK_INVALID');
    expect((err as VulnbridgeError).message).to.contain('no issues list');
  });
});
