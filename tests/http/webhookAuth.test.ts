import { expect } from 'chai';
import type { SecretRef } from '../../connector/secrets.js';
import { VulnbridgeError } from '../../connector/errors.js';
import {
  constantTimeEqual,
  parseBasicAuthorization,
  resolveWebhookAuth,
  webhookAuthenticator,
} from '../../connector/http/webhookAuth.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('http/webhookAuth', () => {
  describe('constantTimeEqual', () => {
    it('tells equal from unequal values, including different lengths and prefixes', () => {
      expect(constantTimeEqual('s3cret', 's3cret')).to.equal(true);
      expect(constantTimeEqual('', '')).to.equal(true);
      expect(constantTimeEqual('s3cret', 's3creT')).to.equal(false);
      expect(constantTimeEqual('s3cret', 's3cret-longer')).to.equal(false);
      expect(constantTimeEqual('s3cret', 's3cre')).to.equal(false);
      expect(constantTimeEqual('', 'x')).to.equal(false);
      expect(constantTimeEqual('pässwörd', 'pässwörd')).to.equal(true);
      expect(constantTimeEqual('pässwörd', 'passwörd')).to.equal(false);
    });
  });

  describe('parseBasicAuthorization', () => {
    it('splits at the first colon, so the password may contain colons', () => {
      expect(parseBasicAuthorization(`Basic ${b64('xray:a:b:c')}`)).to.deep.equal({ username: 'xray', password: 'a:b:c' });
      expect(parseBasicAuthorization(`Basic ${b64(':only-password')}`)).to.deep.equal({ username: '', password: 'only-password' });
      expect(parseBasicAuthorization(`Basic ${b64('user:')}`)).to.deep.equal({ username: 'user', password: '' });
    });

    it('takes the scheme in any case and tolerates extra spaces', () => {
      expect(parseBasicAuthorization(`basic ${b64('u:p')}`)).to.deep.equal({ username: 'u', password: 'p' });
      expect(parseBasicAuthorization(`BASIC   ${b64('u:p')} `)).to.deep.equal({ username: 'u', password: 'p' });
    });

    it('gives nothing for a missing header, no colon, another scheme or a malformed token', () => {
      expect(parseBasicAuthorization(undefined)).to.equal(undefined);
      expect(parseBasicAuthorization('')).to.equal(undefined);
      expect(parseBasicAuthorization(`Basic ${b64('no-colon')}`)).to.equal(undefined);
      expect(parseBasicAuthorization(`Bearer ${b64('u:p')}`)).to.equal(undefined);
      expect(parseBasicAuthorization(`Basic`)).to.equal(undefined);
      expect(parseBasicAuthorization(`Basic ${b64('u:p')} extra`)).to.equal(undefined);
      expect(parseBasicAuthorization('Basic not*base64')).to.equal(undefined);
      expect(parseBasicAuthorization(`Basic${b64('u:p')}`)).to.equal(undefined);
    });
  });

  describe('webhookAuthenticator', () => {
    it('checks Basic credentials: both user and password must match', () => {
      const check = webhookAuthenticator({ kind: 'basic', username: 'xray', password: 'pa:ss' });
      expect(check({ authorization: `Basic ${b64('xray:pa:ss')}` })).to.equal(true);
      expect(check({ authorization: `basic ${b64('xray:pa:ss')}` })).to.equal(true);
      expect(check({ authorization: `Basic ${b64('xray:pa')}` })).to.equal(false);
      expect(check({ authorization: `Basic ${b64('other:pa:ss')}` })).to.equal(false);
      expect(check({ authorization: `Basic ${b64('xraypa:ss')}` })).to.equal(false);
      expect(check({ authorization: `Bearer pa:ss` })).to.equal(false);
      expect(check({})).to.equal(false);
    });

    it('checks a custom header by its name in any case', () => {
      const check = webhookAuthenticator({ kind: 'header', name: 'X-Vulnbridge-Token', value: 'tok-123456' });
      // Node hands the server lower-cased header names.
      expect(check({ 'x-vulnbridge-token': 'tok-123456' })).to.equal(true);
      expect(check({ 'x-vulnbridge-token': 'tok-12345' })).to.equal(false);
      expect(check({ 'x-vulnbridge-token': 'tok-1234567' })).to.equal(false);
      expect(check({ 'x-other': 'tok-123456' })).to.equal(false);
      expect(check({})).to.equal(false);
      expect(check({ 'set-cookie': ['a'] })).to.equal(false);
    });

    it('can use Authorization itself as the secret header (e.g. a Bearer token)', () => {
      const check = webhookAuthenticator({ kind: 'header', name: 'Authorization', value: 'Bearer abc123' });
      expect(check({ authorization: 'Bearer abc123' })).to.equal(true);
      expect(check({ authorization: 'Bearer abc124' })).to.equal(false);
    });
  });

  describe('resolveWebhookAuth', () => {
    const env: Record<string, string> = { XRAY_HOOK_USER: 'xray', XRAY_HOOK_PASSWORD: 'pw', XRAY_HOOK_TOKEN: 'tok' };
    const reads: string[] = [];
    const reader = (ref: SecretRef, what: string): string => {
      reads.push(what);
      const value = ref.env ? env[ref.env] : undefined;
      if (value === undefined) throw new VulnbridgeError('CONFIG_SECRET_MISSING', `${what} missing`);
      return value;
    };
    beforeEach(() => (reads.length = 0));

    it('reads both Basic secrets, naming each for error messages', () => {
      const auth = resolveWebhookAuth(
        { basicAuth: { username: { env: 'XRAY_HOOK_USER' }, password: { env: 'XRAY_HOOK_PASSWORD' } } },
        reader,
        'job xray-prod webhook',
      );
      expect(auth).to.deep.equal({ kind: 'basic', username: 'xray', password: 'pw' });
      expect(reads).to.deep.equal(['job xray-prod webhook.basicAuth.username', 'job xray-prod webhook.basicAuth.password']);
    });

    it('reads the header secret and keeps the header name', () => {
      const auth = resolveWebhookAuth({ header: { name: 'X-Token', value: { env: 'XRAY_HOOK_TOKEN' } } }, reader);
      expect(auth).to.deep.equal({ kind: 'header', name: 'X-Token', value: 'tok' });
      expect(reads).to.deep.equal(['webhook.header.value']);
    });

    it('passes on a missing secret and refuses a config with neither or both forms', () => {
      expect(() => resolveWebhookAuth({ header: { name: 'X-Token', value: { env: 'UNSET' } } }, reader)).to.throw('webhook.header.value missing');
      expect(() => resolveWebhookAuth({}, reader)).to.throw(/exactly one of basicAuth or header/);
      expect(() =>
        resolveWebhookAuth(
          { basicAuth: { username: { env: 'XRAY_HOOK_USER' }, password: { env: 'XRAY_HOOK_PASSWORD' } }, header: { name: 'X-Token', value: { env: 'XRAY_HOOK_TOKEN' } } },
          reader,
        ),
      ).to.throw(/exactly one of basicAuth or header/);
    });
  });
});
