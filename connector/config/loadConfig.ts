import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, ProblemList, type VulnbridgeError } from '../errors.js';
import type { Routes } from '../routing/routesSchema.js';
import { validateRoutes } from '../routing/validateRoutes.js';
import type { ReportingConfig } from './reportingConfig.js';
import type { ServerConfig, WebhookAuthConfig } from './serverConfig.js';
import type { SinkFactory } from '../sinks/types.js';
import type { SourceFactory } from '../sources/types.js';
import { configSchema, type RawJob } from './configSchema.js';
import { formatPath, lineOf } from './yamlLocate.js';
import { resolveSlaPolicy, type KevConfig, type SlaPolicy } from '../templates/sla/slaPolicy.js';
import { kevSourceProblem } from './kevSource.js';

export interface JobConfig {
  name: string;
  enabled: boolean;
  schedule: string;
  timezone?: string;
  templatePath: string;
  project: string;
  timeoutMinutes: number;
  /** Hours between checks of the open tickets against the sink; 0: never. */
  reconcileHours: number;
  source: { factory: SourceFactory<unknown>; config: unknown };
  sink: { factory: SinkFactory<unknown>; config: unknown };
  /** Pushed findings accepted for this job, and how the sender authenticates. */
  webhook?: WebhookAuthConfig;
  /** Routing rules (jira template paths resolved); absent: every finding to `templatePath` in `project`. */
  routes?: Routes;
  /** Remediation SLA (global `sla:` with the job's over it); absent: no SLA. A route's `jira.sla` goes over it. */
  sla?: SlaPolicy;
  /** The global `kev:` catalog source, for the job's cycles. */
  kev?: KevSource;
}

export type KevSource = KevConfig & { kind: 'url' | 'file' };

export interface Config {
  file: string;
  stateDir: string;
  /** `progressIntervalSeconds`: the daemon's progress lines (absent: every 30 s; 0: none). */
  log: { level: 'error' | 'warn' | 'info' | 'debug'; format: 'text' | 'json'; progressIntervalSeconds?: number };
  /** Absent unless configured; `run` starts it with defaults when a job takes webhooks. */
  server?: ServerConfig;
  /** CISA KEV catalog (source resolved: a URL or an absolute file path). */
  kev?: KevSource;
  /** `vulnbridge dashboards`; absent: its defaults. */
  reporting?: ReportingConfig;
  jobs: JobConfig[];
}

export interface Registries {
  sources: ReadonlyMap<string, SourceFactory<unknown>>;
  sinks: ReadonlyMap<string, SinkFactory<unknown>>;
}

/**
 * Read and validate the YAML config. Every problem (YAML syntax, unknown key, wrong
 * type, unknown source/sink type) is reported with file:line and its path, all at once.
 * Keys starting with `x-` at the top level hold YAML anchors (as in docker-compose).
 */
export function loadConfig(file: string, registries: Registries, baseDir: string = process.cwd()): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('CONFIG_INVALID', `cannot read the config file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      file,
      hint: 'pass --config FILE or set VULNBRIDGE_CONFIG',
    });
  }
  return parseConfig(text, file, registries, baseDir);
}

export function parseConfig(text: string, file: string, registries: Registries, baseDir: string = process.cwd()): Config {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, merge: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const line = e.linePos?.[0]?.line;
      return new ConfigError('CONFIG_INVALID', `YAML syntax error: ${e.message.split('\n')[0]}`, { file, line });
    });
    throw problems.length === 1 ? problems[0] : new ProblemList('CONFIG_INVALID', `${file}: invalid YAML`, problems);
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('CONFIG_INVALID', 'the config must be a YAML mapping with a `jobs:` list', { file, line: 1 });
  }
  const withoutAnchors = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('x-')));

  const problems: VulnbridgeError[] = [];
  const report = (issues: z.core.$ZodIssue[], prefix: PropertyKey[] = []) => {
    for (const issue of issues) {
      const full = [...prefix, ...issue.path];
      // Point at the first unknown key's own line, not its parent's.
      const at = issue.code === 'unrecognized_keys' ? [...full, issue.keys[0]] : full;
      problems.push(
        new ConfigError('CONFIG_INVALID', issueMessage(issue), { file, line: lineOf(doc, counter, at), path: formatPath(full) }),
      );
    }
  };

  const parsed = configSchema.safeParse(withoutAnchors);
  if (!parsed.success) report(parsed.error.issues);
  const kevSource = (withoutAnchors as { kev?: { source?: unknown } }).kev?.source;
  const kev = typeof kevSource === 'string' ? kevSourceProblem(kevSource, baseDir) : undefined;
  if (kev && 'problem' in kev) report([{ code: 'custom', path: ['kev', 'source'], message: kev.problem, input: kevSource } as z.core.$ZodIssue]);

  // Check every job's source and sink blocks too, so one run shows every problem.
  const rawJobs = Array.isArray((withoutAnchors as { jobs?: unknown }).jobs) ? ((withoutAnchors as { jobs: unknown[] }).jobs) : [];
  const parts = rawJobs.map((job, i) => {
    const j = (job ?? {}) as { source?: unknown; sink?: unknown };
    return {
      source: isTyped(j.source) ? resolvePart('source', j.source, registries.sources, ['jobs', i, 'source'], report) : undefined,
      sink: isTyped(j.sink) ? resolvePart('sink', j.sink, registries.sinks, ['jobs', i, 'sink'], report) : undefined,
    };
  });
  if (!parsed.success) throw new ProblemList('CONFIG_INVALID', `${file}: invalid configuration`, problems);

  const kevConfig: KevSource | undefined = parsed.data.kev && kev && 'kind' in kev ? { ...parsed.data.kev, source: kev.source, kind: kev.kind } : undefined;
  const jobs: JobConfig[] = [];
  const seen = new Set<string>();
  parsed.data.jobs.forEach((job: RawJob, i) => {
    if (seen.has(job.name)) {
      report([{ code: 'custom', path: ['name'], message: `duplicate job name "${job.name}"`, input: job.name } as z.core.$ZodIssue], ['jobs', i]);
    }
    seen.add(job.name);
    const { source, sink } = parts[i];
    if (!source || !sink) return;
    jobs.push({
      name: job.name,
      enabled: job.enabled,
      schedule: job.schedule,
      timezone: job.timezone,
      templatePath: path.resolve(baseDir, job.template),
      project: job.project,
      timeoutMinutes: job.timeoutMinutes,
      reconcileHours: job.reconcileHours,
      source,
      sink,
      ...(job.webhook ? { webhook: job.webhook } : {}),
      ...(job.routes ? { routes: resolveRoutePaths(job.routes, baseDir) } : {}),
      ...withSla(resolveSlaPolicy(parsed.data.sla, job.sla)),
      ...(kevConfig ? { kev: kevConfig } : {}),
    });
    if (job.routes) {
      const scope = { types: (source.config as { types?: string[] }).types };
      const module = source.factory.moduleNameOf?.(source.config) ?? source.factory.moduleName;
      const found = validateRoutes(job.routes, module as Parameters<typeof validateRoutes>[1], scope);
      report(
        found.map((p) => ({ code: 'custom', path: p.path, message: p.hint ? `${p.message} (${p.hint})` : p.message, input: undefined }) as z.core.$ZodIssue),
        ['jobs', i, 'routes'],
      );
    }
    if (job.webhook && !source.factory.webhookKind) {
      report(
        [{ code: 'custom', path: ['webhook'], message: `source type "${source.factory.type}" takes no webhooks`, input: job.webhook } as z.core.$ZodIssue],
        ['jobs', i],
      );
    }
  });
  if (problems.length > 0) throw new ProblemList('CONFIG_INVALID', `${file}: invalid configuration`, problems);

  return {
    file,
    stateDir: path.resolve(baseDir, parsed.data.stateDir),
    log: parsed.data.log,
    ...(parsed.data.server ? { server: parsed.data.server } : {}),
    ...(kevConfig ? { kev: kevConfig } : {}),
    ...(parsed.data.reporting ? { reporting: parsed.data.reporting } : {}),
    jobs,
  };
}

function withSla(sla: SlaPolicy | undefined): { sla?: SlaPolicy } {
  return sla ? { sla } : {};
}

/** Template paths in actions are relative to the working directory, like the job's. */
function resolveRoutePaths(routes: Routes, baseDir: string): Routes {
  return routes.map((rule) => ({
    ...rule,
    actions: rule.actions.map((a) => {
      if (a !== 'none' && 'jira' in a && a.jira.template) return { jira: { ...a.jira, template: path.resolve(baseDir, a.jira.template) } };
      if (a !== 'none' && 'webhook' in a && a.webhook.template) return { webhook: { ...a.webhook, template: path.resolve(baseDir, a.webhook.template) } };
      return a;
    }),
  }));
}

function resolvePart<F extends { type: string; configSchema: z.ZodType<unknown> }>(
  what: 'source' | 'sink',
  block: { type: string },
  factories: ReadonlyMap<string, F>,
  prefix: PropertyKey[],
  report: (issues: z.core.$ZodIssue[], prefix: PropertyKey[]) => void,
): { factory: F; config: unknown } | undefined {
  const factory = factories.get(block.type);
  if (!factory) {
    report(
      [
        {
          code: 'custom',
          path: ['type'],
          message: `unknown ${what} type "${block.type}" (known: ${[...factories.keys()].join(', ')})`,
          input: block.type,
        } as z.core.$ZodIssue,
      ],
      prefix,
    );
    return undefined;
  }
  const parsed = factory.configSchema.safeParse(block);
  if (!parsed.success) {
    report(parsed.error.issues, prefix);
    return undefined;
  }
  return { factory, config: parsed.data };
}

function isTyped(v: unknown): v is { type: string } {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    // A schema may say what is known instead (sla.days: the severity names).
    const known = issue.message.startsWith('known ') ? ` (${issue.message})` : '';
    return `unknown key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}${known}`;
  }
  return issue.message;
}
