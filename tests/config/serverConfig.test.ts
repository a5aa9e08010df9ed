import { expect } from 'chai';
import { serverConfigSchema, webhookAuthSchema } from '../../connector/config/serverConfig.js';

const ref = { env: 'XRAY_HOOK_SECRET' };

describe('config/serverConfig', () => {
  describe('serverConfigSchema', () => {
    it('fills loopback, 8080 and 5 MiB by default', () => {
      expect(serverConfigSchema.parse({})).to.deep.equal({ host: '127.0.0.1', port: 8080, maxBodyBytes: 5 * 1024 * 1024, readyFailedRuns: 3 });
      expect(serverConfigSchema.parse({ host: '0.0.0.0', port: 0, maxBodyBytes: 1024 })).to.deep.equal({ host: '0.0.0.0', port: 0, maxBodyBytes: 1024, readyFailedRuns: 3 });
    });

    it('rejects ports out of range, tiny body limits and unknown keys, naming the key', () => {
      expect(serverConfigSchema.safeParse({ port: 65536 }).error?.issues[0]?.path).to.deep.equal(['port']);
      expect(serverConfigSchema.safeParse({ port: -1 }).success).to.equal(false);
      expect(serverConfigSchema.safeParse({ port: 80.5 }).success).to.equal(false);
      const tiny = serverConfigSchema.safeParse({ maxBodyBytes: 100 });
      expect(tiny.error?.issues[0]?.message).to.equal('at least 1024 bytes');
      expect(serverConfigSchema.safeParse({ listen: 8080 }).error?.issues[0]?.code).to.equal('unrecognized_keys');
    });
  });

  describe('statusPage', () => {
    it('is off unless set; true, false or the credentials block of a job’s webhook:', () => {
      expect(serverConfigSchema.parse({}).statusPage).to.equal(undefined);
      expect(serverConfigSchema.parse({ statusPage: true }).statusPage).to.equal(true);
      expect(serverConfigSchema.parse({ statusPage: false }).statusPage).to.equal(false);
      const basic = { basicAuth: { username: ref, password: { file: '/run/secrets/status' } } };
      expect(serverConfigSchema.parse({ statusPage: basic }).statusPage).to.deep.equal(basic);
      const header = { header: { name: 'X-Status-Token', value: ref } };
      expect(serverConfigSchema.parse({ statusPage: header }).statusPage).to.deep.equal(header);
    });

    it('names the key at fault in a bad credentials block, and says what it takes otherwise', () => {
      const inline = serverConfigSchema.safeParse({ statusPage: { basicAuth: { username: 'ops', password: ref } } });
      expect(inline.error?.issues[0]?.path).to.deep.equal(['statusPage', 'basicAuth', 'username']);
      const neither = serverConfigSchema.safeParse({ statusPage: {} });
      expect(neither.error?.issues.map((i) => i.message)).to.deep.equal(['give exactly one of basicAuth or header']);
      const extra = serverConfigSchema.safeParse({ statusPage: { header: { name: 'X-Token', value: ref }, enabled: true } });
      expect(extra.error?.issues[0]?.code).to.equal('unrecognized_keys');
      for (const value of ['yes', 1, null, []]) {
        const bad = serverConfigSchema.safeParse({ statusPage: value });
        expect(bad.error?.issues[0]?.path, String(value)).to.deep.equal(['statusPage']);
        expect(bad.error?.issues[0]?.message, String(value)).to.match(/true, false, or \{ basicAuth \} \/ \{ header \}/);
      }
    });
  });

  describe('webhookAuthSchema', () => {
    it('takes Basic auth or a secret header, with secret references', () => {
      const basic = webhookAuthSchema.parse({ basicAuth: { username: { env: 'U' }, password: { file: '/run/secrets/p' } } });
      expect(basic.basicAuth?.password).to.deep.equal({ file: '/run/secrets/p' });
      const header = webhookAuthSchema.parse({ header: { name: 'X-Vulnbridge-Token', value: ref } });
      expect(header.header?.name).to.equal('X-Vulnbridge-Token');
    });

    it('asks for exactly one of the two forms', () => {
      const neither = webhookAuthSchema.safeParse({});
      expect(neither.error?.issues.map((i) => i.message)).to.deep.equal(['give exactly one of basicAuth or header']);
      const both = webhookAuthSchema.safeParse({ basicAuth: { username: ref, password: ref }, header: { name: 'X-Token', value: ref } });
      expect(both.error?.issues.map((i) => i.message)).to.deep.equal(['give exactly one of basicAuth or header']);
    });

    it('refuses secrets written inline and unknown keys', () => {
      const inline = webhookAuthSchema.safeParse({ basicAuth: { username: 'xray', password: ref } });
      expect(inline.error?.issues[0]?.path).to.deep.equal(['basicAuth', 'username']);
      const extra = webhookAuthSchema.safeParse({ header: { name: 'X-Token', value: ref, prefix: 'Bearer' } });
      expect(extra.error?.issues[0]?.code).to.equal('unrecognized_keys');
    });

    it('refuses a header name that is not an HTTP token or that HTTP/Xray already set', () => {
      for (const name of ['X Token', 'X-Token:', '', 'Tök']) {
        const bad = webhookAuthSchema.safeParse({ header: { name, value: ref } });
        expect(bad.error?.issues[0]?.path, name).to.deep.equal(['header', 'name']);
        expect(bad.error?.issues[0]?.message, name).to.match(/not a valid HTTP header name/);
      }
      const reserved = webhookAuthSchema.safeParse({ header: { name: 'Content-Type', value: ref } });
      expect(reserved.error?.issues[0]?.message).to.match(/set by Xray or HTTP itself/);
      expect(webhookAuthSchema.safeParse({ header: { name: 'X-Xray-Version', value: ref } }).success).to.equal(false);
      expect(webhookAuthSchema.safeParse({ header: { name: "x-token_2.b!#$%&'*+^`|~", value: ref } }).success).to.equal(true);
    });
  });
});
