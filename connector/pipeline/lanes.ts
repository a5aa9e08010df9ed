import path from 'node:path';
import type { JobConfig } from '../config/loadConfig.js';
import type { IncidentSender } from '../incidents/types.js';
import type { Logger } from '../log.js';
import type { Action, IncidentAction, PagerdutyAction } from '../routing/actionSchemas.js';
import { compileRoutes, type RouteMatch, type Router } from '../routing/router.js';
import type { Routes } from '../routing/routesSchema.js';
import { createIncidentSender, incidentActionParts } from '../sinks/registry.js';
import { loadScheme } from '../templates/loadScheme.js';
import { overlaySla, type SlaPolicy } from '../templates/sla/slaPolicy.js';
import type { TicketScheme } from '../templates/types.js';
import { hashOf } from './markers.js';

/** Jira tickets of one template in one project. */
export interface JiraLane {
  kind: 'jira';
  id: string;
  /** The job name tickets are kept under (labels `vb-job-<ticketJob>`): the job's own for its default lane. */
  ticketJob: string;
  project: string;
  scheme: TicketScheme;
  /** Remediation SLA of its tickets (global, job, then the route's `jira.sla`); absent: none. */
  sla?: SlaPolicy;
}

/** Alerts in one incident tool endpoint (PagerDuty integration key, webhook URL). */
export interface IncidentLane {
  kind: 'incident';
  id: string;
  sender: IncidentSender;
  groupBy: 'finding' | 'watch' | 'host';
  severityMap: PagerdutyAction['severity'];
}

export type Lane = JiraLane | IncidentLane;

/** How a job's findings reach its lanes: all to the default Jira lane, or by routing rules. */
export interface JobLanes {
  jira: JiraLane[];
  incidents: IncidentLane[];
  router?: Router;
  /** Lane ids a rule's actions lead to. */
  lanesOf(match: RouteMatch): ReadonlySet<string>;
  /** Human names of a rule's actions, for the dry run. */
  describe(match: RouteMatch): string[];
}

const refName = (ref: { env?: string; file?: string }) => ref.env ?? `file:${ref.file ?? '?'}`;

/** No routes: every finding goes to the job's template in the job's project. */
export function singleLane(config: Pick<JobConfig, 'name' | 'project' | 'sla'>, scheme: TicketScheme): JobLanes {
  const lane: JiraLane = { kind: 'jira', id: 'jira', ticketJob: config.name, project: config.project, scheme, ...(config.sla ? { sla: config.sla } : {}) };
  return { jira: [lane], incidents: [], lanesOf: () => new Set(['jira']), describe: () => ['jira'] };
}

/**
 * Lanes from a job's routes. A lane's id depends only on what it is (template and
 * project; the secret's name and format), so the same config gives the same ids and
 * the state of alerts and tickets carries over restarts and reordered rules.
 */
export function buildLanes(
  config: JobConfig,
  scheme: TicketScheme,
  routes: Routes | undefined,
  deps: { log: Logger; secret(ref: { env?: string; file?: string }, what: string): string; baseDir?: string },
): JobLanes {
  if (!routes) return singleLane(config, scheme);
  const defaultLane = singleLane(config, scheme).jira[0] as JiraLane;

  const jira = new Map<string, JiraLane>();
  const incidents = new Map<string, IncidentLane>();
  const byAction = new Map<Action, string>();
  const names = new Map<string, string>();
  for (const rule of routes) {
    for (const action of rule.actions) {
      if (action === 'none') continue;
      let id: string;
      if ('jira' in action) {
        const templatePath = action.jira.template ? path.resolve(deps.baseDir ?? process.cwd(), action.jira.template) : config.templatePath;
        const project = action.jira.project ?? config.project;
        const isDefault = templatePath === config.templatePath && project === config.project;
        id = isDefault ? 'jira' : `jira:${project}:${path.basename(templatePath)}`;
        if (!jira.has(id)) {
          const sla = overlaySla(config.sla, action.jira.sla);
          const lane: JiraLane = isDefault
            ? { ...defaultLane }
            : { kind: 'jira', id, ticketJob: `${config.name}-${hashOf(`${project}\n${templatePath}`).slice(0, 6)}`, project, scheme: loadScheme(templatePath) };
          if (sla) lane.sla = sla;
          else delete lane.sla;
          jira.set(id, lane);
        }
        names.set(id, `jira ${project} (${path.basename(templatePath)})`);
      } else {
        const { kind: type, factory, options: a } = incidentActionParts(action);
        const endpoint = factory.endpoint(a);
        const secretName = refName(endpoint.secret);
        const format = endpoint.variant ?? '';
        id = `${type}:${secretName}${format}:${a.groupBy}`;
        if (!incidents.has(id)) {
          incidents.set(id, {
            kind: 'incident',
            id,
            sender: createIncidentSender(action as IncidentAction, { log: deps.log, secret: deps.secret, baseDir: deps.baseDir }),
            groupBy: a.groupBy,
            severityMap: a.severity ?? {},
          });
        }
        names.set(id, `${type} ${secretName}${a.groupBy === 'finding' ? '' : ` (one alert per ${a.groupBy})`}`);
      }
      byAction.set(action, id);
    }
  }
  const router = compileRoutes(routes, scheme.moduleName as Parameters<typeof compileRoutes>[1]);
  const lanesCache = new Map<number, ReadonlySet<string>>();
  return {
    jira: [...jira.values()],
    incidents: [...incidents.values()],
    router,
    lanesOf(match) {
      let set = lanesCache.get(match.index);
      if (!set) lanesCache.set(match.index, (set = new Set(match.actions.map((a) => byAction.get(a)).filter((x): x is string => !!x))));
      return set;
    },
    describe(match) {
      return match.actions.map((a) => (a === 'none' ? 'none' : (names.get(byAction.get(a) ?? '') ?? '?')));
    },
  };
}
