import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseConfig, type Registries } from '../../connector/config/loadConfig.js';
import { ConfigError, ProblemList } from '../../connector/errors.js';
import type { SinkFactory } from '../../connector/sinks/types.js';
import type { SourceFactory } from '../../connector/sources/types.js';

const factory = (type: string) => ({ type, configSchema: z.object({ type: z.literal(type) }).strict(), create: () => undefined }) as unknown;
const registries: Registries = {
  sources: new Map([['src', factory('src') as SourceFactory<unknown>]]),
  sinks: new Map([['snk', factory('snk') as SinkFactory<unknown>]]),
};

const job = (extra = '') => `
  - name: one
    schedule: "*/5 * * * *"
    template: a.json
    project: VULN
    source: { type: src }
    sink: { type: snk }${extra}`;

function problemsOf(text: string): ConfigError[] {
  try {
    parseConfig(text, 'cfg.yml', registries, '/srv');
  } catch (err) {
    if (err instanceof ProblemList) return err.problems as ConfigError[];
    if (err instanceof ConfigError) return [err];
    throw err;
  }
  throw new Error('expected a config error');
}

describe('config: sla and kev', () => {
  it('resolves the global policy with the job\'s over it, DefectDojo defaults for the rest', () => {
    const c = parseConfig(`sla:\n  days: { high: 14 }\njobs:${job('\n    sla: { days: { critical: 3, info: none } }')}`, 'cfg.yml', registries, '/srv');
    expect(c.jobs[0]?.sla?.days).to.deep.equal({ critical: 3, high: 14, medium: 90, low: 120, info: null });
    expect(c.jobs[0]?.sla?.breachedLabel).to.equal('vb-sla-breached');
  });

  it('has no SLA unless some level sets `sla:`', () => {
    expect(parseConfig(`jobs:${job()}`, 'cfg.yml', registries, '/srv').jobs[0]?.sla).to.equal(undefined);
  });

  it('reports every bad input at once, each with file:line and path', () => {
    const text = `sla:
  days: { critical: 0, high: -3, medium: soon, urgent: 5 }
kev:
  source: /no/such/kev.json
jobs:${job(`
    sla:
      score:
        by: qds
        ranges:
          - { min: 90, max: 100, days: 7 }
          - { min: 60, max: 95, days: 30 }
          - { min: 1, max: 40, days: 90 }`)}`;
    const problems = problemsOf(text);
    const at = (p: string) => problems.filter((x) => x.path === p);
    expect(at('sla.days.critical')[0]?.message).to.match(/whole number ≥ 1/);
    expect(at('sla.days.critical')[0]?.line).to.equal(2);
    expect(at('sla.days.high')).to.have.length(1);
    expect(at('sla.days.medium')).to.have.length(1);
    expect(at('sla.days')[0]?.message).to.equal('unknown key: urgent (known severities: critical, high, medium, low, info)');
    expect(at('kev.source')[0]?.message).to.match(/neither a URL nor a readable file/);
    expect(at('kev.source')[0]?.line).to.equal(4);
    expect(at('jobs[0].sla.score.ranges[1]')[0]?.message).to.match(/overlaps/);
    expect(at('jobs[0].sla.score.ranges[2]')[0]?.message).to.match(/gap between range 1-40 and range 60-95/);
    expect(at('jobs[0].sla.score.ranges[2]')[0]?.line).to.equal(18);
  });

  it('takes a KEV catalog from a readable file or an http(s) URL, and a route\'s sla', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-kev-'));
    writeFileSync(path.join(dir, 'kev.json'), '{"vulnerabilities":[]}');
    const c = parseConfig(`kev: { source: kev.json }\njobs:${job()}`, 'cfg.yml', registries, dir);
    expect(c.kev).to.include({ kind: 'file', source: path.join(dir, 'kev.json'), refreshHours: 24 });
    const u = parseConfig(`kev: { source: "https://www.cisa.gov/kev.json" }\njobs:${job()}`, 'cfg.yml', registries, dir);
    expect(u.jobs[0]?.kev).to.include({ kind: 'url' });
    expect(problemsOf(`kev: { source: "ftp://x/kev.json" }\njobs:${job()}`)[0]?.message).to.match(/http or https/);
    const bad = problemsOf(`jobs:${job(`
    routes:
      - actions: [{ jira: { sla: { days: { high: 1.5 } } } }]`)}`);
    expect(bad.map((p) => p.path)).to.include('jobs[0].routes[0].actions[0].jira.sla.days.high');
  });
});
