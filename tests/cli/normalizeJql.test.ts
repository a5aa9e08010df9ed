import { expect } from 'chai';
import { normalizeJql } from '../../connector/cli/reporting/normalizeJql.js';
import { jiraRewriteJql } from '../sim/jira/simReporting.js';

describe('normalizeJql: our JQL and Jira\'s rewrite of it compare equal', () => {
  const cases = [
    'project = VULN AND labels = "vb-job-vmdr" AND statusCategory != Done ORDER BY priority DESC, key ASC',
    'project = VULN AND labels in ("vb-sla-met", "vb-sla-missed") AND "Severity" in (Critical, High)',
    'project = VULN AND labels = "pci" and cf[10010] >= 9 order by key',
  ];
  for (const jql of cases) {
    it(jql, () => expect(normalizeJql(jiraRewriteJql(jql))).to.equal(normalizeJql(jql)));
  }
  it('keeps quoted text as is and tells a real change apart', () => {
    expect(normalizeJql('summary ~ "and   or"')).to.equal('summary ~ "and   or"');
    expect(normalizeJql('labels = "pci"')).to.equal('labels = pci');
    expect(normalizeJql('labels = pci')).not.to.equal(normalizeJql('labels = sox'));
  });
});
