import type { TemplateContext, TemplateValue } from '../model/finding.js';
import type { ModuleName } from '../templates/modulePlaceholders.js';

/**
 * What routing rules look at, read once per finding from its template context. A fact a
 * finding does not carry is absent, and a criterion on an absent fact does not match
 * (an Xray violation without CVSS never matches `cvss: { min: 7 }`).
 */
export interface RoutingFacts {
  /** Critical 5, High 4, Medium 3, Low 2, Information 1, Unknown 0 (Qualys severity 5..1 = 5..1). */
  severityRank?: number;
  cvss?: number;
  /** Qualys Detection Score, 1..100. */
  qds?: number;
  /** Host TruRisk score, 0..1000. */
  trurisk?: number;
  /** security | license | operational_risk (Xray) | vulnerability (Qualys); lower case. */
  type?: string;
  /** License key of a license violation (`GPL-3.0`); '' when Xray could not tell. */
  license?: string;
  /** Set on license violations only: false when the license is unknown. */
  licenseKnown?: boolean;
  watch?: string;
  policies?: string[];
  qid?: string;
  cves?: string[];
  tags?: string[];
  assetGroups?: string[];
}

export type RoutingFact = keyof RoutingFacts;

/**
 * The facts each module's findings carry, so a rule on one they never carry is reported
 * when the config loads instead of silently matching nothing.
 *
 * VMDR has no asset groups: neither the Host List Detection API nor the Host List call
 * that adds TruRisk returns them, so nothing fills `ASSET_GROUPS` yet (a pull is narrowed
 * to asset groups with the source's `agIds`). WAS and Container Security facts are read
 * from the fields their sources fill, named in their placeholder vocabularies
 * (wasPlaceholders.ts, kbPlaceholders.ts, csPlaceholders.ts).
 */
export const FACTS_BY_MODULE: Readonly<Record<ModuleName, ReadonlySet<RoutingFact>>> = {
  VMDR: new Set<RoutingFact>(['severityRank', 'cvss', 'qds', 'trurisk', 'type', 'qid', 'cves', 'tags']),
  WAS: new Set<RoutingFact>(['severityRank', 'cvss', 'type', 'qid', 'cves']),
  'CS-Container': new Set<RoutingFact>(['severityRank', 'cvss', 'qds', 'type', 'qid', 'cves']),
  'CS-Image': new Set<RoutingFact>(['severityRank', 'cvss', 'qds', 'type', 'qid', 'cves']),
  XRAY: new Set<RoutingFact>(['severityRank', 'cvss', 'type', 'license', 'licenseKnown', 'watch', 'policies', 'cves']),
};

/** Xray's TYPE spellings (the source writes the first of each) → ours; others are lower-cased. */
const XRAY_TYPES: ReadonlyMap<string, string> = new Map([
  ['Security', 'security'],
  ['License', 'license'],
  ['Operational_Risk', 'operational_risk'],
  ['security', 'security'],
  ['license', 'license'],
  ['operational_risk', 'operational_risk'],
]);

/**
 * The facts to read, as flags: built once per router (this runs once per finding, and a
 * VMDR finding's tags and CVE list are arrays to build).
 */
export type FactPlan = Readonly<Record<RoutingFact, boolean>>;

const ALL_FACTS: FactPlan = planOf(undefined);

export function planOf(only: ReadonlySet<RoutingFact> | undefined): FactPlan {
  const has = (fact: RoutingFact): boolean => only === undefined || only.has(fact);
  return {
    severityRank: has('severityRank'),
    cvss: has('cvss'),
    qds: has('qds'),
    trurisk: has('trurisk'),
    type: has('type'),
    license: has('license') || has('licenseKnown'),
    licenseKnown: has('license') || has('licenseKnown'),
    watch: has('watch'),
    policies: has('policies'),
    qid: has('qid'),
    cves: has('cves'),
    tags: has('tags'),
    assetGroups: has('assetGroups'),
  };
}

/** The facts of one finding; `only`: just these (the others are not read). */
export function routingFacts(module: ModuleName, ctx: TemplateContext, only?: ReadonlySet<RoutingFact>): RoutingFacts {
  return readFacts(module, ctx, only === undefined ? ALL_FACTS : planOf(only));
}

/** routingFacts with the plan made in advance (the router's per-finding call). */
export function readFacts(module: ModuleName, ctx: TemplateContext, plan: FactPlan): RoutingFacts {
  switch (module) {
    case 'XRAY':
      return xrayFacts(ctx, plan);
    case 'VMDR':
    case 'WAS':
      return qualysFacts(module, ctx, plan);
    case 'CS-Container':
    case 'CS-Image':
      return containerFacts(ctx, plan);
  }
}

/** Keys as the Xray source writes them (violationToFindings.ts; XRAY vocabulary). */
function xrayFacts(ctx: TemplateContext, want: FactPlan): RoutingFacts {
  const f: RoutingFacts = {};
  if (want.severityRank) setNumber(f, 'severityRank', number(ctx.SEVERITY_RANK), 0, 5);
  if (want.cvss) setNumber(f, 'cvss', number(ctx.CVSS_SCORE), 0, 10);
  if (want.type || want.license) {
    const type = xrayType(ctx.TYPE);
    if (want.type && type) f.type = type;
    if (want.license && type === 'license') {
      const license = text(ctx.LICENSE);
      f.license = license;
      f.licenseKnown = license !== '' && license.toLowerCase() !== 'unknown';
    }
  }
  if (want.watch) {
    const watch = text(ctx.WATCH);
    if (watch) f.watch = watch;
  }
  if (want.policies) setList(f, 'policies', list(ctx.POLICY));
  if (want.cves) setList(f, 'cves', list(ctx.CVES));
  return f;
}

function xrayType(value: TemplateValue | undefined): string {
  if (typeof value === 'string') {
    const known = XRAY_TYPES.get(value);
    if (known !== undefined) return known;
  }
  const raw = text(value).toLowerCase().replace(/[\s-]+/g, '_');
  return XRAY_TYPES.get(raw) ?? raw;
}

/**
 * VMDR: host + detection at the top level, the KnowledgeBase entry under VULN (kbEntry.ts)
 * and TruRisk merged at the top level (buildContext.ts). WAS: its flattened names
 * (SEVERITY, QID) and the same VULN namespace.
 */
function qualysFacts(module: 'VMDR' | 'WAS', ctx: TemplateContext, want: FactPlan): RoutingFacts {
  const f: RoutingFacts = {};
  const vuln = objectOf(ctx.VULN);
  if (want.severityRank) setNumber(f, 'severityRank', qualysSeverity(ctx.SEVERITY ?? vuln?.SEVERITY_LEVEL), 1, 5);
  if (want.cvss && vuln) setNumber(f, 'cvss', kbCvss(vuln), 0, 10);
  if (want.type) f.type = 'vulnerability';
  if (want.qid) {
    const qid = text(ctx.QID) || text(vuln?.QID);
    if (qid) f.qid = qid;
  }
  if (want.cves && vuln) setList(f, 'cves', kbCves(vuln));
  if (module === 'VMDR') {
    if (want.qds) setNumber(f, 'qds', number(ctx.QDS), 0, 100);
    if (want.trurisk) setNumber(f, 'trurisk', number(ctx.TRURISK_SCORE), 0, 1000);
    if (want.tags) setList(f, 'tags', named(ctx.TAGS, 'TAG'));
    if (want.assetGroups) setList(f, 'assetGroups', named(ctx.ASSET_GROUPS, 'ASSET_GROUP'));
  }
  return f;
}

/** Container Security: the container or image at the top level, the vulnerability under `vuln` (qualys.md §4). */
function containerFacts(ctx: TemplateContext, want: FactPlan): RoutingFacts {
  const f: RoutingFacts = {};
  const vuln = objectOf(ctx.vuln);
  if (want.type) f.type = 'vulnerability';
  if (!vuln) return f;
  if (want.severityRank) setNumber(f, 'severityRank', qualysSeverity(vuln.severity), 1, 5);
  if (want.cvss) setNumber(f, 'cvss', number(objectOf(vuln.cvss3Info)?.baseScore) ?? number(objectOf(vuln.cvssInfo)?.baseScore), 0, 10);
  if (want.qds) setNumber(f, 'qds', number(vuln.qdsScore), 0, 100);
  if (want.qid) {
    const qid = text(vuln.qid);
    if (qid) f.qid = qid;
  }
  if (want.cves) setList(f, 'cves', list(vuln.cveids));
  return f;
}

/** Qualys severity '1'..'5' is already the rank (5 Critical … 1 Information). */
function qualysSeverity(value: TemplateValue | undefined): number | undefined {
  const n = number(value);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/** CVSS v3 base, else v2 base: the flattened keys of kbEntry.ts, else the org.json blocks. */
function kbCvss(vuln: { [key: string]: TemplateValue }): number | undefined {
  return (
    number(vuln.CVSS_V3_BASE) ??
    number(objectOf(vuln.CVSS_V3)?.BASE) ??
    number(vuln.CVSS_BASE) ??
    number(objectOf(vuln.CVSS)?.BASE)
  );
}

/** `VULN.CVE_LIST.CVE[].ID` (CVE is always a list from our parser; one object tolerated), else `VULN.CVES` "a, b". */
function kbCves(vuln: { [key: string]: TemplateValue }): string[] {
  const entries = objectOf(vuln.CVE_LIST)?.CVE;
  if (entries !== undefined) {
    const out: string[] = [];
    for (const entry of Array.isArray(entries) ? entries : [entries]) {
      const id = text(objectOf(entry)?.ID);
      if (id) out.push(id);
    }
    if (out.length > 0) return out;
  }
  return list(vuln.CVES);
}

/** `{TAG:[{NAME:'a'}]}` (org.json), a list of names or objects with NAME/TITLE, or "a, b". */
function named(value: TemplateValue | undefined, element: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  const inner = objectOf(value)?.[element];
  const items = inner !== undefined ? inner : value;
  if (typeof items === 'string') return list(items);
  const out: string[] = [];
  for (const item of Array.isArray(items) ? items : [items]) {
    const o = objectOf(item);
    const name = o ? text(o.NAME) || text(o.TITLE) : text(item);
    if (name) out.push(name);
  }
  return out;
}

function setNumber(f: RoutingFacts, key: 'severityRank' | 'cvss' | 'qds' | 'trurisk', n: number | undefined, min: number, max: number): void {
  if (n !== undefined && n >= min && n <= max) f[key] = n;
}

function setList(f: RoutingFacts, key: 'policies' | 'cves' | 'tags' | 'assetGroups', items: string[]): void {
  if (items.length > 0) f[key] = items;
}

/** A number, a numeric string (padded CDATA tolerated) or `{content}`; '' and text → undefined. */
function number(value: TemplateValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const s = text(value);
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** A string (trimmed), a number, or an org.json `{content}`; anything else ''. */
function text(value: TemplateValue | undefined): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const o = objectOf(value);
  return o && typeof o.content === 'string' ? o.content.trim() : '';
}

/** A list of strings, or a comma-separated string (webhook-era data, flattened KB keys). */
function list(value: TemplateValue | undefined): string[] {
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const item of value) {
      const s = text(item);
      if (s) out.push(s);
    }
    return out;
  }
  const s = text(value);
  if (s === '') return [];
  return s.includes(',') ? s.split(',').map((p) => p.trim()).filter((p) => p !== '') : [s];
}

function objectOf(value: TemplateValue | undefined): { [key: string]: TemplateValue } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
