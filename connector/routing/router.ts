import type { TemplateContext } from '../model/finding.js';
import { SEVERITY_RANK } from '../model/severity.js';
import type { ModuleName } from '../templates/modulePlaceholders.js';
import type { Action } from './actionSchemas.js';
import type { Criteria, RouteRule } from './routesSchema.js';
import { planOf, readFacts, type RoutingFact, type RoutingFacts } from './routingFacts.js';

export interface RouteMatch {
  /** The rule's name, else `rule N` (1-based, as a reader counts). */
  rule: string;
  /** 0-based position in `routes`. */
  index: number;
  /** Shared by every finding the rule matches: read, do not change. */
  actions: readonly Action[];
}

export interface Router {
  /** The first rule the finding meets; undefined when none does (no action). */
  route(ctx: TemplateContext): RouteMatch | undefined;
  /** The facts the rules look at (empty when every rule is unconditional). */
  readonly facts: ReadonlySet<RoutingFact>;
}

type Check = (f: RoutingFacts) => boolean;

interface CompiledRule {
  match: RouteMatch;
  /** Empty: the rule matches every finding. */
  checks: Check[];
}

/** The fact each criterion reads. */
export const CRITERION_FACT: Readonly<Record<keyof Criteria, RoutingFact>> = {
  minSeverity: 'severityRank',
  cvss: 'cvss',
  qds: 'qds',
  trurisk: 'trurisk',
  types: 'type',
  licenses: 'license',
  watches: 'watch',
  policies: 'policies',
  qids: 'qid',
  cves: 'cves',
  tags: 'tags',
  assetGroups: 'assetGroups',
};

export function ruleLabel(rule: RouteRule, index: number): string {
  return rule.name ?? `rule ${index + 1}`;
}

/**
 * Compile a job's routes once; `route` then runs per finding (100k per pull). Sets and
 * regexes are built here, the result of each rule is built here, and per finding only
 * the facts the rules use are read, once, and only when a conditional rule is reached.
 */
export function compileRoutes(rules: readonly RouteRule[], module: ModuleName): Router {
  const compiled: CompiledRule[] = rules.map((rule, index) => ({
    match: Object.freeze({ rule: ruleLabel(rule, index), index, actions: Object.freeze([...rule.actions]) }),
    checks: rule.when ? compileCriteria(rule.when) : [],
  }));
  const facts = new Set<RoutingFact>();
  for (const rule of rules) {
    for (const key of criteriaKeys(rule.when)) {
      facts.add(CRITERION_FACT[key]);
      if (key === 'licenses') {
        facts.add('licenseKnown');
        facts.add('type');
      }
    }
  }

  const plan = planOf(facts);

  return {
    facts,
    route(ctx: TemplateContext): RouteMatch | undefined {
      let f: RoutingFacts | undefined;
      for (const { match, checks } of compiled) {
        if (checks.length === 0) return match;
        f ??= readFacts(module, ctx, plan);
        let ok = true;
        for (const check of checks) {
          if (!check(f)) {
            ok = false;
            break;
          }
        }
        if (ok) return match;
      }
      return undefined;
    },
  };
}

/** The criteria a rule sets (a key written with no value does not count). */
export function criteriaKeys(when: Criteria | undefined): Array<keyof Criteria> {
  if (!when) return [];
  return (Object.keys(when) as Array<keyof Criteria>).filter((k) => when[k] !== undefined);
}

function compileCriteria(when: Criteria): Check[] {
  const checks: Check[] = [];
  if (when.minSeverity !== undefined) {
    const min = SEVERITY_RANK[when.minSeverity];
    checks.push((f) => f.severityRank !== undefined && f.severityRank >= min);
  }
  if (when.cvss) checks.push(rangeCheck('cvss', when.cvss));
  if (when.qds) checks.push(rangeCheck('qds', when.qds));
  if (when.trurisk) checks.push(rangeCheck('trurisk', when.trurisk));
  if (when.types) {
    const types = new Set<string>(when.types);
    checks.push((f) => f.type !== undefined && types.has(f.type));
  }
  if (when.licenses) checks.push(licenseCheck(when.licenses));
  if (when.watches) {
    const watches = nameSet(when.watches);
    checks.push((f) => f.watch !== undefined && watches.has(lower(f.watch)));
  }
  if (when.policies) checks.push(anyNameCheck('policies', when.policies));
  if (when.qids) {
    // Number(): `'0197597'` in the config is QID 197597 as Qualys reports it.
    const qids = new Set(when.qids.map((q) => String(Number(q))));
    checks.push((f) => f.qid !== undefined && qids.has(f.qid));
  }
  if (when.cves) checks.push(cveCheck(when.cves));
  if (when.tags) checks.push(anyNameCheck('tags', when.tags));
  if (when.assetGroups) checks.push(anyNameCheck('assetGroups', when.assetGroups));
  return checks;
}

function rangeCheck(fact: 'cvss' | 'qds' | 'trurisk', r: { min?: number; max?: number }): Check {
  const min = r.min ?? -Infinity;
  const max = r.max ?? Infinity;
  return (f) => {
    const v = f[fact];
    return v !== undefined && v >= min && v <= max;
  };
}

/**
 * As an Xray license rule: a license violation matches when its license is banned, or
 * not in `allowed`; one whose license is unknown matches only with `unknown: true` (Xray's
 * "Disallow Unknown License" is a separate switch from the allowed list).
 */
function licenseCheck(l: { allowed?: string[]; banned?: string[]; unknown?: boolean }): Check {
  const allowed = l.allowed ? nameSet(l.allowed) : undefined;
  const banned = l.banned ? nameSet(l.banned) : undefined;
  const unknown = l.unknown === true;
  return (f) => {
    if (f.type !== 'license' || f.licenseKnown === undefined) return false;
    if (!f.licenseKnown) return unknown;
    const license = lower(f.license ?? '');
    if (banned?.has(license)) return true;
    return allowed !== undefined && !allowed.has(license);
  };
}

function anyNameCheck(fact: 'policies' | 'tags' | 'assetGroups', wanted: string[]): Check {
  const set = nameSet(wanted);
  return (f) => {
    const values = f[fact];
    if (values === undefined) return false;
    for (const v of values) if (set.has(lower(v))) return true;
    return false;
  };
}

/** Exact ids in a set; `*` patterns (the schema allows only CVE-, digits and `*`) as one anchored regex. */
function cveCheck(patterns: string[]): Check {
  const exact = new Set<string>();
  const globs: string[] = [];
  for (const p of patterns) {
    const id = p.trim().toUpperCase();
    if (id.includes('*')) globs.push(id.replace(/\*/g, '.*'));
    else exact.add(id);
  }
  const glob = globs.length > 0 ? new RegExp(`^(?:${globs.join('|')})$`, 'i') : undefined;
  return (f) => {
    if (f.cves === undefined) return false;
    for (const cve of f.cves) {
      if (exact.has(cve.toUpperCase()) || glob?.test(cve)) return true;
    }
    return false;
  };
}

function nameSet(names: readonly string[]): Set<string> {
  return new Set(names.map((n) => lower(n.trim())));
}

/** V8 returns the same string when nothing changes, so names already in lower case cost nothing. */
function lower(s: string): string {
  return s.toLowerCase();
}
