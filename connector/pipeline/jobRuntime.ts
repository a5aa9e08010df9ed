import type { JobConfig } from '../config/loadConfig.js';
import { readSecret } from '../secrets.js';
import { TemplateError } from '../errors.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../log.js';
import { resolveWebhookAuth, webhookAuthenticator } from '../http/webhookAuth.js';
import type { TicketSink } from '../sinks/types.js';
import type { Source } from '../sources/types.js';
import { loadScheme } from '../templates/loadScheme.js';
import { buildLanes, type JobLanes } from './lanes.js';
import type { TicketScheme } from '../templates/types.js';

/** A configured job, built once per process: its source, its sink and its template. */
export interface JobRuntime {
  config: JobConfig;
  source: Source;
  sink: TicketSink;
  scheme: TicketScheme;
  log: Logger;
  /** The sink checked this job's needs on Jira (once per process). */
  prepared: boolean;
  /** Checks a webhook sender's credentials; absent when the job has no `webhook:` secret. */
  authenticateWebhook?: (headers: IncomingHttpHeaders) => boolean;
  /** How a webhook sender authenticates (a failed Basic login is told so: WWW-Authenticate). */
  webhookAuthScheme?: 'basic' | 'header';
  /** Where findings go: Jira lanes (templates × projects) and incident lanes, by routing rules. */
  lanes: JobLanes;
}

/** Check each Jira project the job writes to, with the templates it uses there (once per process). */
export async function prepareJob(rt: JobRuntime, signal?: AbortSignal): Promise<void> {
  const dueDates = dueDateProjects(rt);
  for (const [project, schemes] of schemesByProject(rt)) await rt.sink.prepare({ project, schemes, signal, ...(dueDates.has(project) ? { dueDate: true } : {}) });
  rt.prepared = true;
}

/** The Jira projects a job writes to, each with the templates it uses there (prepare, `vulnbridge setup`). */
export function schemesByProject(rt: Pick<JobRuntime, 'lanes' | 'config' | 'scheme'>): Map<string, TicketScheme[]> {
  const byProject = new Map<string, TicketScheme[]>();
  for (const lane of rt.lanes.jira) byProject.set(lane.project, [...(byProject.get(lane.project) ?? []), lane.scheme]);
  if (byProject.size === 0) byProject.set(rt.config.project, [rt.scheme]);
  return byProject;
}

/** Projects with an SLA lane whose template leaves the due date to Jira's `duedate`. */
function dueDateProjects(rt: Pick<JobRuntime, 'lanes'>): Set<string> {
  return new Set(rt.lanes.jira.filter((lane) => lane.sla && lane.scheme.dueDateField === undefined).map((lane) => lane.project));
}

/**
 * `missingSecret`: called instead of throwing when a secret cannot be read, so a caller
 * (validate) can list every missing secret of a job at once; it returns a stand-in value.
 */
export function buildJob(config: JobConfig, log: Logger, opts: { missingSecret?: (err: unknown) => string } = {}): JobRuntime {
  const jobLog = log.child({ job: config.name });
  const scheme = loadScheme(config.templatePath);
  const secret = (ref: { env?: string; file?: string }, what: string) => {
    if (!opts.missingSecret) return readSecret(ref, `${what} of job ${config.name}`);
    try {
      // The caller names the job once, above its list.
      return readSecret(ref, what);
    } catch (err) {
      return opts.missingSecret(err);
    }
  };
  const source = config.source.factory.create(config.source.config, { log: jobLog.child({ source: config.source.factory.type }), secret });
  if (scheme.moduleName !== source.moduleName) {
    throw new TemplateError(
      'TEMPLATE_INVALID',
      `template is for module ${scheme.moduleName} but job ${config.name} pulls from ${config.source.factory.type} (module ${source.moduleName})`,
      { file: config.templatePath, path: 'template.metadata.moduleName', hint: `use a ${source.moduleName} template for this job` },
    );
  }
  const sink = config.sink.factory.create(config.sink.config, { log: jobLog.child({ sink: config.sink.factory.type }), secret });
  const lanes = buildLanes(config, scheme, config.routes, { log: jobLog, secret });
  const rt: JobRuntime = { config, source, sink, scheme, log: jobLog, prepared: false, lanes };
  if (config.webhook) {
    const auth = resolveWebhookAuth(config.webhook, secret, 'webhook');
    rt.authenticateWebhook = webhookAuthenticator(auth);
    rt.webhookAuthScheme = auth.kind;
  }
  return rt;
}
