import { expect } from 'chai';
import { findingFacts } from '../../connector/incidents/findingFacts.js';
import { violationToFindings } from '../../connector/sources/jfrog-xray/violationToFindings.js';
import { BASE, securityViolation } from '../sources/jfrog-xray/xrayTestKit.js';

/** The impacted artifact as Xray's webhook carries it (seeds/000, the PagerDuty app's custom details). */
const SEED_ARTIFACT = {
  depth: 0,
  display_name: 'connector:0.8.0',
  infected_files: [
    { depth: 0, display_name: 'debian:buster:libc6:2.28-10', name: 'libc6:2.28-10', parent_sha: '9411f38bb959244da6cb01b9baeb079f9e5193832ad5c7b4ad3aa45301f50e1c', path: '', pkg_type: 'Debian', sha256: '30fe03584a947466c61145df3cd7ea3c0503aa319b8bc913f373701fdff44e85' },
  ],
  name: 'manifest.json',
  parent_sha: '6537920ab5240121a74713c46c3f5a3f0a13db43fe16684be6db91dd21706501',
  path: 'default/integrations/connector/0.8.0/',
  pkg_type: 'Docker',
  sha1: '',
  sha256: '6537920ab5240121a74713c46c3f5a3f0a13db43fe16684be6db91dd21706501',
};

function facts(raw: Record<string, unknown>) {
  const out = violationToFindings(raw, { platformUrl: BASE });
  if ('rejected' in out) throw new Error(out.rejected.reason);
  return findingFacts('XRAY', out.findings[0]!.data);
}

describe('incidents: Xray custom details as the Xray→PagerDuty app shows them (seeds/000)', () => {
  it('a pulled violation (Get Violations: no summary, no provider, artifact paths) still has a summary, provider JFrog and its paths', () => {
    const pulled = securityViolation({ summary: undefined, provider: undefined, description: 'Prototype pollution in lodash.\nMore text on the next line.' });
    const f = facts(pulled);
    expect(f.details.summary).to.equal('Prototype pollution in lodash.');
    expect(f.details.provider).to.equal('JFrog');
    expect(f.details.impacted_artifacts).to.be.an('array').that.is.not.empty;
    expect((f.details.impacted_artifacts as unknown[]).every((a) => typeof a === 'string')).to.equal(true);
    expect(f.line(false)).to.match(/: Prototype pollution in lodash\.$/);
  });

  it('a pushed violation keeps its summary and provider, and its impacted artifacts as the objects the webhook gave', () => {
    const pushed = securityViolation({ summary: 'glibc ASLR bypass', provider: 'JFrog', impacted_artifacts: [SEED_ARTIFACT] });
    const f = facts(pushed);
    expect(f.details.summary).to.equal('glibc ASLR bypass');
    expect(f.details.provider).to.equal('JFrog');
    expect(f.details.impacted_artifacts).to.deep.equal([SEED_ARTIFACT]);
  });
});
