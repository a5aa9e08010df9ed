import { expect } from 'chai';
import { jiraConfigSchema } from '../../../connector/sinks/jira/config.js';
import { jiraSink } from '../../../connector/sinks/jira/sink.js';

describe('sinks/jira config', () => {
  it('fills defaults for a Cloud sink', () => {
    const c = jiraConfigSchema.parse({ type: 'jira', url: 'https://example.atlassian.net', flavor: 'cloud', email: 'ops@example.com', token: { env: 'JIRA_API_TOKEN' } });
    expect(c).to.deep.include({ linkType: 'Relates', closeResolution: 'Done', timeoutSeconds: 60 });
    expect(jiraSink.type).to.equal('jira');
  });

  it('accepts Data Center with a PAT or with username/password', () => {
    expect(jiraConfigSchema.safeParse({ type: 'jira', url: 'https://jira.example.com/jira', flavor: 'datacenter', token: { file: '/run/secrets/jira' } }).success).to.equal(true);
    expect(jiraConfigSchema.safeParse({ type: 'jira', url: 'https://jira.example.com', flavor: 'datacenter', username: 'svc', password: { env: 'JIRA_PASSWORD' } }).success).to.equal(true);
  });

  it('names what is missing or wrong, by path', () => {
    const issues = (v: unknown) => (jiraConfigSchema.safeParse(v).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ type: 'jira', url: 'https://x.atlassian.net', flavor: 'cloud', token: { env: 'T' } })).to.deep.equal(['email: Jira Cloud needs `email` (the account the API token belongs to)']);
    expect(issues({ type: 'jira', url: 'https://jira.example.com', flavor: 'datacenter' })[0]).to.match(/^token: Jira Data Center needs/);
    expect(issues({ type: 'jira', url: 'https://jira.example.com', flavor: 'datacenter', token: { env: 'T' }, tokn: 1 })[0]).to.match(/tokn/);
    expect(issues({ type: 'jira', url: 'ftp://jira.example.com', flavor: 'datacenter', token: { env: 'T' } })[0]).to.match(/^url:/);
    expect(issues({ type: 'jira', url: 'https://jira.example.com', flavor: 'server', token: { env: 'T' } })[0]).to.match(/^flavor:/);
  });
});
