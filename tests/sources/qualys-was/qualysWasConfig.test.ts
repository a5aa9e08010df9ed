import { expect } from 'chai';
import { qualysWasConfigSchema } from '../../../connector/sources/qualys-was/index.js';
import { captureLogger, makeWasConfig, makeWasSource } from './wasTestKit.js';

describe('qualys-was: config', () => {
  it('fills the defaults', () => {
    const c = makeWasConfig();
    expect(c).to.deep.include({ pageSize: 500, overlapMinutes: 10, resultMaxBytes: 32 * 1024, timeoutSeconds: 300, kbApiVersion: '2.0' });
    expect(c.filters).to.deep.equal({ includeIgnored: true });
  });

  it('rejects pageSize over 1000, unknown keys, unknown statuses and a plain-text password', () => {
    const base = { type: 'qualys-was', url: 'https://q.example', username: { env: 'U' }, password: { env: 'P' } };
    expect(qualysWasConfigSchema.safeParse({ ...base, pageSize: 1001 }).success).to.equal(false);
    expect(qualysWasConfigSchema.safeParse({ ...base, pagesize: 10 }).success).to.equal(false);
    expect(qualysWasConfigSchema.safeParse({ ...base, filters: { statuses: ['Active'] } }).success).to.equal(false);
    expect(qualysWasConfigSchema.safeParse({ ...base, filters: { severity: [5] } }).success).to.equal(false);
    expect(qualysWasConfigSchema.safeParse({ ...base, password: 'hunter2' }).success).to.equal(false);
    expect(qualysWasConfigSchema.safeParse({ ...base, filters: { statuses: ['NEW', 'FIXED'], webAppTags: [3, 'Prod'] } }).success).to.equal(true);
  });

  it('warns when filters.statuses leaves out FIXED (tickets could never close)', () => {
    const { log, lines } = captureLogger();
    makeWasSource({ filters: { statuses: ['NEW', 'ACTIVE'] } }, { log });
    expect(lines.some((l) => l.level === 'warn' && l.message.includes('FIXED'))).to.equal(true);
  });
});
