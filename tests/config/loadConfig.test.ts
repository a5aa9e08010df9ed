import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig, parseConfig, type Registries } from '../../connector/config/loadConfig.js';
import { readSecret } from '../../connector/secrets.js';
import { ConfigError, ProblemList } from '../../connector/errors.js';
import { redactString } from '../../connector/redact.js';
import type { SinkFactory } from '../../connector/sinks/types.js';
import type { SourceFactory } from '../../connector/sources/types.js';

const fakeSource = {
  type: 'fake-src',
  configSchema: z.object({ type: z.literal('fake-src'), url: z.url(), pageSize: z.number().int().default(10) }).strict(),
  create: () => {
    throw new Error('not used');
  },
} as unknown as SourceFactory<unknown>;
const fakeSink = {
  type: 'fake-sink',
  configSchema: z.object({ type: z.literal('fake-sink'), url: z.url() }).strict(),
  create: () => {
    throw new Error('not used');
  },
} as unknown as SinkFactory<unknown>;
const registries: Registries = { sources: new Map([[fakeSource.type, fakeSource]]), sinks: new Map([[fakeSink.type, fakeSink]]) };

const good = `
x-src: &src
  type: fake-src
  url: https://scanner.example.com
jobs:
  - name: one
    schedule: "*/5 * * * *"
    template: templates/a.json
    project: VULN
    source:
      <<: *src
      pageSize: 50
    sink: { type: fake-sink, url: "https://jira.example.com" }
`;

function problemsOf(fn: () => unknown): ConfigError[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProblemList) return err.problems as ConfigError[];
    if (err instanceof ConfigError) return [err];
    throw err;
  }
  throw new Error('expected a config error');
}

describe('config/loadConfig', () => {
  it('loads a valid config with YAML anchors and merge keys, resolving paths', () => {
    const c = parseConfig(good, 'cfg.yml', registries, '/srv/vb');
    expect(c.jobs).to.have.length(1);
    expect(c.jobs[0].templatePath).to.equal('/srv/vb/templates/a.json');
    expect(c.stateDir).to.equal('/srv/vb/data');
    expect(c.jobs[0].source.config).to.deep.equal({ type: 'fake-src', url: 'https://scanner.example.com', pageSize: 50 });
  });

  it('reports a YAML syntax error with file and line', () => {
    const [p] = problemsOf(() => parseConfig('jobs:\n  - name: a\n    schedule: [unclosed\n', 'bad.yml', registries));
    expect(p.file).to.equal('bad.yml');
    expect(p.line).to.be.a('number');
    expect(p.describe()).to.match(/^bad\.yml:\d+/);
  });

  it('names the path and line of an unknown key and of a wrong type', () => {
    const text = good.replace('project: VULN', 'project: VULN\n    colour: blue').replace('pageSize: 50', 'pageSize: lots');
    const problems = problemsOf(() => parseConfig(text, 'cfg.yml', registries));
    const unknown = problems.find((p) => /unknown key: colour/.test(p.message));
    expect(unknown?.path).to.equal('jobs[0]');
    expect(unknown?.line).to.equal(10);
    const wrong = problems.find((p) => p.path === 'jobs[0].source.pageSize');
    expect(wrong, JSON.stringify(problems.map((p) => p.describe()))).to.exist;
    expect(wrong?.line).to.equal(13);
  });

  it('rejects an unknown source type listing the known ones', () => {
    const problems = problemsOf(() => parseConfig(good.replace('type: fake-src', 'type: nessus'), 'cfg.yml', registries));
    expect(problems[0].message).to.contain('unknown source type "nessus" (known: fake-src)');
    expect(problems[0].path).to.equal('jobs[0].source.type');
  });

  it('rejects a bad cron expression, a bad project key and duplicate job names', () => {
    const text = good.replace('"*/5 * * * *"', '"every minute"').replace('project: VULN', 'project: vuln-1');
    const msgs = problemsOf(() => parseConfig(text, 'cfg.yml', registries)).map((p) => p.describe());
    expect(msgs.some((m) => /schedule.*cron/.test(m))).to.equal(true);
    expect(msgs.some((m) => /project.*project key/.test(m))).to.equal(true);
    const dup = good + good.slice(good.indexOf('  - name: one'));
    expect(problemsOf(() => parseConfig(dup, 'cfg.yml', registries)).map((p) => p.message)).to.include('duplicate job name "one"');
  });

  it('says which file it cannot read', () => {
    const [p] = problemsOf(() => loadConfig('/nonexistent/vb.yml', registries));
    expect(p.file).to.equal('/nonexistent/vb.yml');
    expect(p.hint).to.contain('--config');
  });
});

describe('config/secrets', () => {
  it('names the missing env var and never the value; registers values for redaction', () => {
    expect(() => readSecret({ env: 'VB_TEST_MISSING' }, 'Qualys password', {})).to.throw(ConfigError, /VB_TEST_MISSING \(Qualys password\) is not set/);
    const value = readSecret({ env: 'VB_TEST_SECRET' }, 'x', { VB_TEST_SECRET: 's3cr3t-value-123' });
    expect(value).to.equal('s3cr3t-value-123');
    expect(redactString('failed with s3cr3t-value-123 in it')).to.equal('failed with [REDACTED] in it');
  });

  it('reads a secret file without its trailing newline', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, 'file-token-abc\n');
    expect(readSecret({ file }, 'token')).to.equal('file-token-abc');
    expect(() => readSecret({ file: path.join(dir, 'nope') }, 'token')).to.throw(ConfigError, /cannot read secret file/);
  });
});

describe('config/vulnbridge.example.yml', () => {
  it('is a valid config for the real sources and sinks, and its templates load', async () => {
    const { sourceFactories } = await import('../../connector/sources/registry.js');
    const { sinkFactories } = await import('../../connector/sinks/registry.js');
    const { loadScheme } = await import('../../connector/templates/loadScheme.js');
    const config = loadConfig('config/vulnbridge.example.yml', { sources: sourceFactories, sinks: sinkFactories });
    expect(config.jobs.map((j) => j.name)).to.deep.equal(['vmdr-detections', 'vmdr-hosts', 'xray-violations', 'xray-components', 'was-findings', 'cs-images', 'cs-containers']);
    for (const job of config.jobs) {
      const module = job.source.factory.moduleNameOf?.(job.source.config) ?? job.source.factory.moduleName;
      expect(loadScheme(job.templatePath).moduleName, job.name).to.equal(module);
    }
    expect(config.server).to.deep.equal({ host: '0.0.0.0', port: 8080, maxBodyBytes: 5242880, readyFailedRuns: 3 });
    expect(config.jobs.find((j) => j.name === 'xray-violations')?.webhook?.basicAuth?.password).to.deep.equal({ env: 'XRAY_WEBHOOK_PASSWORD' });
  });
});
