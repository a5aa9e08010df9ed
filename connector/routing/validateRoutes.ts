import { MODULE_NAMES, type ModuleName } from '../templates/modulePlaceholders.js';
import type { Action } from './actionSchemas.js';
import { CRITERION_FACT, criteriaKeys, ruleLabel } from './router.js';
import type { Criteria, FindingType, RouteRule } from './routesSchema.js';
import { FACTS_BY_MODULE } from './routingFacts.js';

export interface RouteProblem {
  /** Relative to the `routes` list: `[2, 'when', 'cvss']`. */
  path: Array<string | number>;
  message: string;
  hint: string;
}

/** What the job's source pulls, when it narrows it (an Xray job's `types`). */
export interface RouteScope {
  /** Violation types the job pulls, in Xray's spelling (`License`) or ours (`license`). */
  types?: readonly string[];
}

/** How messages name what a criterion needs. */
const FACT_NAMES: Readonly<Record<keyof Criteria, string>> = {
  minSeverity: 'severity',
  cvss: 'CVSS score',
  qds: 'QDS',
  trurisk: 'TruRisk score',
  types: 'type',
  licenses: 'license',
  watches: 'watch',
  policies: 'policies',
  qids: 'QID',
  cves: 'CVEs',
  tags: 'asset tags',
  assetGroups: 'asset groups',
};

const CRITERIA = Object.keys(CRITERION_FACT) as Array<keyof Criteria>;

/** The types a module's findings can have. */
const MODULE_TYPES: Readonly<Record<ModuleName, readonly FindingType[]>> = {
  VMDR: ['vulnerability'],
  WAS: ['vulnerability'],
  'CS-Container': ['vulnerability'],
  'CS-Image': ['vulnerability'],
  XRAY: ['security', 'license', 'operational_risk'],
};

/** The criteria that make sense for a module's findings. */
export function criteriaFor(module: ModuleName): Array<keyof Criteria> {
  return CRITERIA.filter((c) => FACTS_BY_MODULE[module].has(CRITERION_FACT[c]));
}

/**
 * Mistakes the schema cannot see because they depend on the job's module or on the
 * other rules: criteria the findings never carry, rules that can never match or are
 * never reached, and actions that contradict each other. Each problem's path is
 * relative to the routes list.
 */
export function validateRoutes(rules: readonly RouteRule[], module: ModuleName, scope: RouteScope = {}): RouteProblem[] {
  const problems: RouteProblem[] = [];
  const jobTypes = scope.types?.map((t) => t.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const possibleTypes = MODULE_TYPES[module].filter((t) => !jobTypes || jobTypes.includes(t));
  const valid = criteriaFor(module);
  let catchAll: number | undefined;
  const names = new Map<string, number>();

  rules.forEach((rule, i) => {
    const label = ruleLabel(rule, i);
    if (rule.name !== undefined) {
      const first = names.get(rule.name);
      if (first !== undefined) {
        problems.push({
          path: [i, 'name'],
          message: `rule name "${rule.name}" is also used by rule ${first + 1}`,
          hint: 'give each rule its own name: logs and counts name the rule that matched',
        });
      } else {
        names.set(rule.name, i);
      }
    }
    if (catchAll !== undefined) {
      problems.push({
        path: [i],
        message: `${label} is never reached: ${ruleLabel(rules[catchAll]!, catchAll)} before it has no criteria and takes every finding`,
        hint: 'move the rule without `when` to the end of `routes`',
      });
    }
    const keys = criteriaKeys(rule.when);
    if (keys.length === 0) catchAll ??= i;
    if (rule.when) criteriaProblems(rule.when, keys, i, module, valid, possibleTypes, jobTypes !== undefined, problems);
    actionProblems(rule.actions, i, problems);
    incidentActionProblems(rule.actions, i, module, problems);
  });
  sameEndpointProblems(rules, problems);
  return problems;
}

/** Incident options that cannot work for this module's findings. */
function incidentActionProblems(actions: readonly Action[], i: number, module: ModuleName, problems: RouteProblem[]): void {
  actions.forEach((action, k) => {
    if (action === 'none' || 'jira' in action) return;
    const [type, options] = 'pagerduty' in action ? (['pagerduty', action.pagerduty] as const) : (['webhook', action.webhook] as const);
    const at = [i, 'actions', k, type];
    if (options.groupBy === 'watch' && module !== 'XRAY') {
      problems.push({ path: [...at, 'groupBy'], message: `${module} findings have no watch to group by`, hint: 'use `groupBy: host` (Qualys) or `finding`' });
    }
    if (options.groupBy === 'host' && module === 'XRAY') {
      problems.push({ path: [...at, 'groupBy'], message: 'Xray findings have no host to group by', hint: 'use `groupBy: watch` or `finding`' });
    }
    const webhook = 'webhook' in action ? action.webhook : undefined;
    if (webhook?.format === 'xray' && module !== 'XRAY') {
      problems.push({ path: [...at, 'format'], message: `format xray re-creates Xray's own payload, which ${module} findings cannot fill`, hint: 'use `format: lightstep` or `template`' });
    }
    if (webhook?.format === 'template' && !webhook.template) {
      problems.push({ path: [...at, 'template'], message: 'format template needs `template`: the JSON file to render', hint: 'add `template: path/to/body.json`' });
    }
  });
}

/**
 * Incident actions to the same endpoint (same secret, format and grouping) share one
 * lane and its alerts: they must agree on every option, or one's options would be lost.
 */
function sameEndpointProblems(rules: readonly RouteRule[], problems: RouteProblem[]): void {
  const seen = new Map<string, { path: Array<string | number>; options: string }>();
  rules.forEach((rule, i) =>
    rule.actions.forEach((action, k) => {
      if (action === 'none' || 'jira' in action) return;
      const [type, options, secret] =
        'pagerduty' in action
          ? (['pagerduty', action.pagerduty, action.pagerduty.routingKey] as const)
          : (['webhook', action.webhook, action.webhook.url] as const);
      const lane = `${type}:${secret.env ?? secret.file}:${'format' in options ? options.format : ''}:${options.groupBy}`;
      const json = JSON.stringify(options);
      const first = seen.get(lane);
      if (!first) {
        seen.set(lane, { path: [i, 'actions', k], options: json });
        return;
      }
      if (first.options === json) return;
      problems.push({
        path: [i, 'actions', k, type],
        message: `this ${type} action sends to the same endpoint as routes[${first.path[0]}].actions[${first.path[2]}] with other options`,
        hint: 'actions to one endpoint share its alerts: give them the same options (severity, url, auth, eventsPerMinute), or use another key or URL',
      });
    }),
  );
}

function criteriaProblems(
  when: Criteria,
  keys: Array<keyof Criteria>,
  i: number,
  module: ModuleName,
  valid: Array<keyof Criteria>,
  possibleTypes: readonly FindingType[],
  jobNarrowsTypes: boolean,
  problems: RouteProblem[],
): void {
  const at = (key: keyof Criteria): Array<string | number> => [i, 'when', key];
  for (const key of keys) {
    if (valid.includes(key)) continue;
    const carriers = MODULE_NAMES.filter((m) => FACTS_BY_MODULE[m].has(CRITERION_FACT[key]));
    const remedy =
      module === 'VMDR' && key === 'assetGroups'
        ? 'Qualys detections do not say which asset groups a host is in: narrow the pull with the source\'s `agIds`, or route on `tags`'
        : carriers.length > 0
          ? `remove \`${key}\` (${FACT_NAMES[key]} come with ${carriers.join(', ')} findings)`
          : `remove \`${key}\`: no source fills it yet`;
    problems.push({
      path: at(key),
      message: `${module} findings have no ${FACT_NAMES[key]}; criteria for ${module}: ${valid.join(', ')}`,
      hint: `this rule never matches: ${remedy}`,
    });
  }

  for (const key of ['cvss', 'qds', 'trurisk'] as const) {
    const r = when[key];
    if (r?.min !== undefined && r.max !== undefined && r.min > r.max) {
      problems.push({
        path: at(key),
        message: `${key}: min ${r.min} is above max ${r.max}, so this rule never matches`,
        hint: 'swap min and max',
      });
    }
  }

  for (const key of ['types', 'watches', 'policies', 'qids', 'cves', 'tags', 'assetGroups'] as const) {
    if (when[key]?.length === 0) {
      problems.push({
        path: at(key),
        message: `\`${key}\` is an empty list, which no finding matches`,
        hint: `list at least one entry, or remove \`${key}\` to match any`,
      });
    }
  }

  if (when.types && when.types.length > 0 && !when.types.some((t) => possibleTypes.includes(t))) {
    problems.push({
      path: at('types'),
      message: `${module} findings of this job are ${possibleTypes.join(', ') || 'of no type'}, never ${when.types.join(', ')}, so this rule never matches`,
      hint: module === 'XRAY' ? 'Xray types are security, license and operational_risk' : 'every Qualys detection has type vulnerability',
    });
  }

  const l = when.licenses;
  if (l && valid.includes('licenses')) {
    if (!l.banned?.length && l.allowed === undefined && l.unknown !== true) {
      problems.push({
        path: at('licenses'),
        message: '`licenses` names no banned license, no allowed list and not `unknown: true`, so this rule never matches',
        hint: 'give `banned`, `allowed` or `unknown: true`',
      });
    }
    const ruleTypes = when.types;
    if (ruleTypes !== undefined && !ruleTypes.includes('license')) {
      problems.push({
        path: at('licenses'),
        message: `\`licenses\` matches license violations only, but this rule takes types ${ruleTypes.join(', ')}, so it never matches`,
        hint: 'add license to `types`, or put `licenses` in a rule of its own',
      });
    } else if (jobNarrowsTypes && !possibleTypes.includes('license')) {
      problems.push({
        path: at('licenses'),
        message: '`licenses` matches license violations only, but this job pulls no License violations, so this rule never matches',
        hint: 'add License to the source\'s `types`, or remove this rule',
      });
    }
  }
}

function actionProblems(actions: readonly Action[], i: number, problems: RouteProblem[]): void {
  const noneAt = actions.indexOf('none');
  if (noneAt >= 0 && actions.length > 1) {
    problems.push({
      path: [i, 'actions', noneAt],
      message: '`none` is combined with other actions',
      hint: '`none` means "do nothing for these findings": remove it, or remove the other actions',
    });
  }
  const jira = new Map<string, number>();
  actions.forEach((action, k) => {
    if (action === 'none' || !('jira' in action)) return;
    const key = `${action.jira.template ?? ''}\u0000${action.jira.project ?? ''}`;
    const first = jira.get(key);
    if (first === undefined) {
      jira.set(key, k);
      return;
    }
    problems.push({
      path: [i, 'actions', k],
      message: `this jira action has the same template and project as action ${first + 1}: it would write the same ticket twice`,
      hint: 'remove one, or give it another `project` or `template`',
    });
  });
}
