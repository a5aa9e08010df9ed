import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { describeStep } from '../../connector/cli/printReport.js';
import { parseConfig } from '../../connector/config/loadConfig.js';
import { lightstepSeverity } from '../../connector/sinks/incident-webhook/lightstepFormat.js';
import { loadWebhookTemplate } from '../../connector/sinks/incident-webhook/templateFormat.js';
import type { IncidentEvent, IncidentSeverity } from '../../connector/incidents/types.js';
import { pagerdutyActionSchema, webhookActionSchema } from '../../connector/routing/actionSchemas.js';
import { criteriaSchema, routesSchema } from '../../connector/routing/routesSchema.js';
import { sinkFactories } from '../../connector/sinks/registry.js';
import { sourceFactories } from '../../connector/sources/registry.js';

const GUIDE = 'docs/routing.md';
const guide = readFileSync(GUIDE, 'utf8');

/** The text of a `### heading` section, up to the next heading of level 2 or 3. */
function section(heading: string): string {
  const start = guide.indexOf(`\n${heading}\n`);
  expect(start, `${GUIDE} has a section "${heading}"`).to.be.greaterThan(-1);
  const rest = guide.slice(start + heading.length + 2);
  const end = rest.search(/\n#{2,3} /);
  return end === -1 ? rest : rest.slice(0, end);
}

/** A table row whose first cell is the key in backticks. */
const rowOf = (text: string, key: string): string | undefined => text.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));

/** Fenced blocks of a language, also those indented under a list item (their indent removed). */
function fencedBlocks(lang: string): string[] {
  const re = new RegExp('^( *)```' + lang + '\\n([\\s\\S]*?)^\\1```', 'gm');
  return [...guide.matchAll(re)].map((m) => {
    const indent = (m[1] as string).length;
    return (m[2] as string)
      .split('\n')
      .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
      .join('\n');
  });
}

describe('docs/routing.md', () => {
  it('has a criteria table row for every criterion the schema accepts', () => {
    const table = section('## Criteria');
    const missing = Object.keys(criteriaSchema.shape).filter((k) => rowOf(table, k) === undefined);
    expect(missing, 'criteria without a row in the table').to.deep.equal([]);
  });

  it('documents every pagerduty and webhook option in its action section, with the default the schema applies', () => {
    const cases = [
      { heading: '### `pagerduty`', schema: pagerdutyActionSchema, minimal: { routingKey: { env: 'X' } } },
      { heading: '### `webhook`', schema: webhookActionSchema, minimal: { url: { env: 'X' } } },
    ] as const;
    for (const { heading, schema, minimal } of cases) {
      const text = section(heading);
      const defaults = schema.parse(minimal) as Record<string, unknown>;
      for (const key of Object.keys(schema.shape)) {
        const row = rowOf(text, key);
        expect(row, `${heading}: a row for \`${key}\``).to.be.a('string');
        const d = defaults[key];
        if (typeof d === 'string' || typeof d === 'number') expect(row, `${heading} \`${key}\` states its default`).to.include(String(d));
      }
    }
    // Each auth form and each webhook format is named.
    const webhook = section('### `webhook`');
    for (const form of webhookActionSchema.shape.auth.unwrap().options) {
      for (const key of Object.keys(form.shape)) expect(webhook, `auth form ${key}`).to.include(`\`${key}\``);
    }
    for (const format of webhookActionSchema.shape.format.unwrap().options) expect(webhook, `format ${format}`).to.include(`\`${format}\``);
  });

  it('gives YAML examples whose routes validate, and whose complete configs load (Xray and Qualys VMDR)', () => {
    const blocks = fencedBlocks('yaml').filter((b) => /^\s*routes:/m.test(b));
    expect(blocks.length, 'yaml blocks with routes').to.be.at.least(2);
    const sourceTypes: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const doc = parse(block) as { routes?: unknown; jobs?: Array<{ routes?: unknown; source?: { type?: string } }> };
      const lists = doc.routes !== undefined ? [doc.routes] : (doc.jobs ?? []).map((j) => j.routes).filter((r) => r !== undefined);
      expect(lists.length, `block ${i + 1} holds a routes list`).to.be.greaterThan(0);
      for (const routes of lists) {
        const parsed = routesSchema.safeParse(routes);
        expect(parsed.success, `block ${i + 1}: ${parsed.error?.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`).to.equal(true);
      }
      if (doc.jobs) {
        // The whole file as `vulnbridge validate` reads it: source, sink and the module checks of validateRoutes.
        expect(() => parseConfig(block, `block-${i + 1}.yml`, { sources: sourceFactories, sinks: sinkFactories }), `block ${i + 1}`).to.not.throw();
        for (const j of doc.jobs) if (j.source?.type) sourceTypes.push(j.source.type);
      }
    }
    expect(sourceTypes).to.include.members(['jfrog-xray', 'qualys-vmdr']);
  });

  it('shows the dry-run route lines as the CLI prints them', () => {
    const matched = describeStep({ op: 'route', findingKey: 'K', rule: 'R', actions: ['A'] });
    const unmatched = describeStep({ op: 'route', findingKey: 'K', actions: [] });
    expect(guide).to.include(matched.slice(matched.indexOf('->'), matched.indexOf('R"'))); // `-> rule "`
    expect(guide).to.include(unmatched.slice(unmatched.indexOf('->')));
  });

  it('lists every Lightstep severity value the lightstep format sends', () => {
    const event = (severity: IncidentSeverity, findingSeverity: string): IncidentEvent => ({
      action: 'trigger',
      dedupKey: 'k',
      summary: 's',
      severity,
      source: 'x',
      timestamp: '2026-01-01T00:00:00Z',
      customDetails: { severity: findingSeverity },
      links: [],
    });
    const values = new Set([
      ...(['critical', 'error', 'warning', 'info'] as const).map((s) => lightstepSeverity(event(s, 'Low'))),
      lightstepSeverity(event('info', 'Information')),
    ]);
    expect(values.size).to.equal(5);
    for (const v of values) expect(guide, v).to.include(`\`${v}\``);
  });

  it('has webhook body templates that load', () => {
    const templates = fencedBlocks('json').filter((b) => b.includes('${DEDUP_KEY}'));
    expect(templates.length).to.be.at.least(1);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vb-routing-guide-'));
    try {
      for (const [i, body] of templates.entries()) {
        const file = path.join(dir, `body-${i}.json`);
        writeFileSync(file, body);
        expect(() => loadWebhookTemplate(file)).to.not.throw();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
