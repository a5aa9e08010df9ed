import { expect } from 'chai';
import { jfrogXrayConfigSchema } from '../../../connector/sources/jfrog-xray/jfrogXrayConfig.js';
import { sourceFactories } from '../../../connector/sources/registry.js';

const base = { type: 'jfrog-xray', url: 'https://acme.jfrog.io', token: { env: 'XRAY_TOKEN' }, watches: ['prod-watch'] };

function issueOf(input: Record<string, unknown>): { path: PropertyKey[]; message: string; code: string } {
  const r = jfrogXrayConfigSchema.safeParse(input);
  expect(r.success, JSON.stringify(input)).to.equal(false);
  const issue = r.error?.issues[0];
  return { path: issue?.path ?? [], message: issue?.message ?? '', code: issue?.code ?? '' };
}

describe('jfrog-xray/config', () => {
  it('fills the documented defaults and is registered as a source type', () => {
    const c = jfrogXrayConfigSchema.parse(base);
    expect(c).to.include({ pageSize: 100, overlapMinutes: 10, fullPullHours: 24, timeoutSeconds: 120, details: 'list' });
    expect(c.types).to.equal(undefined);
    expect(sourceFactories.get('jfrog-xray')?.type).to.equal('jfrog-xray');
    expect(sourceFactories.get('jfrog-xray')?.webhookKind).to.equal('xray');
  });

  it('accepts Basic auth (username + password) instead of a token, and the optional filters', () => {
    const c = jfrogXrayConfigSchema.parse({
      ...base,
      token: undefined,
      username: { env: 'XRAY_USER' },
      password: { file: '/run/secrets/xray' },
      types: ['Security', 'License'],
      minSeverity: 'High',
      projectKey: 'payments',
      pageSize: 500,
      details: 'fetch',
    });
    expect(c.username).to.deep.equal({ env: 'XRAY_USER' });
    expect(c.types).to.deep.equal(['Security', 'License']);
  });

  it('requires exactly one auth form, with a message saying which', () => {
    expect(issueOf({ ...base, token: undefined }).message).to.contain('give `token`');
    const both = issueOf({ ...base, username: { env: 'U' }, password: { env: 'P' } });
    expect(both.message).to.contain('not both');
    expect(both.path).to.deep.equal(['token']);
    const noPassword = issueOf({ ...base, token: undefined, username: { env: 'U' } });
    expect(noPassword.path).to.deep.equal(['password']);
    expect(noPassword.message).to.contain('needs `password`');
    expect(issueOf({ ...base, token: undefined, password: { env: 'P' } }).path).to.deep.equal(['username']);
    expect(issueOf({ ...base, token: 'inline-token-value' }).path).to.deep.equal(['token']);
  });

  it('requires at least one watch, non-empty and not repeated', () => {
    const none = issueOf({ ...base, watches: [] });
    expect(none.path).to.deep.equal(['watches']);
    expect(none.message).to.contain('at least one watch');
    expect(issueOf({ ...base, watches: undefined }).path).to.deep.equal(['watches']);
    expect(issueOf({ ...base, watches: [''] }).path).to.deep.equal(['watches', 0]);
    expect(issueOf({ ...base, watches: ['a', 'a'] }).message).to.contain('listed twice');
  });

  it('rejects bad URLs, types, severities, sizes and unknown keys, naming the path', () => {
    expect(issueOf({ ...base, url: 'acme.jfrog.io' }).message).to.contain('JFrog Platform URL');
    expect(issueOf({ ...base, url: 'https://acme.jfrog.io/xray/' }).message).to.contain('without /xray');
    expect(issueOf({ ...base, types: ['Exposure'] }).path).to.deep.equal(['types', 0]);
    expect(issueOf({ ...base, minSeverity: 'Major' }).path).to.deep.equal(['minSeverity']);
    expect(issueOf({ ...base, pageSize: 0 }).path).to.deep.equal(['pageSize']);
    expect(issueOf({ ...base, pageSize: 1001 }).path).to.deep.equal(['pageSize']);
    expect(issueOf({ ...base, fullPullHours: 0 }).path).to.deep.equal(['fullPullHours']);
    expect(issueOf({ ...base, details: 'always' }).path).to.deep.equal(['details']);
    expect(issueOf({ ...base, watch: 'prod-watch' }).code).to.equal('unrecognized_keys');
  });
});
