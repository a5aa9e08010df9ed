import type { TemplateContext, TemplateValue } from '../../model/finding.js';
import { isRecord } from './qualysCsApi.js';
import type { CsObjectKind } from './qualysCsConfig.js';

/** Date fields the CS API sends as epoch-millisecond strings (qualys.md §4), per level. */
const OBJECT_DATES = ['created', 'updated', 'lastScanned', 'lastUsedDate', 'lastVmScanDate', 'stateChanged', 'lastFoundOnHost'];
const HOST_DATES = ['lastUpdated'];
const VULN_DATES = ['published', 'lastFound', 'firstFound'];

/** A CS object read from the bulk list: its sha and template data (dates as ISO-8601). */
export interface CsObject {
  sha: string;
  data: TemplateContext;
}

export type Checked<T> = { ok: T } | { rejected: string };

/** "1717026901000" or 1717026901000 → "2024-05-30T00:35:01.000Z"; anything else as is. */
export function epochMsToIso(value: TemplateValue | undefined): TemplateValue | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d{10,16}$/.test(value.trim()) ? Number(value.trim()) : undefined;
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return value;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** Parsed JSON as template data; depth-limited so a hostile body cannot blow the stack. */
function toTemplateValue(v: unknown, depth = 0): TemplateValue {
  if (v === null || v === undefined || depth > 32) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map((x) => toTemplateValue(x, depth + 1));
  if (typeof v === 'object') {
    const out: { [key: string]: TemplateValue } = {};
    for (const [k, x] of Object.entries(v)) out[k] = toTemplateValue(x, depth + 1);
    return out;
  }
  return null;
}

function datesToIso(obj: TemplateContext, keys: readonly string[]): void {
  for (const k of keys) {
    if (Object.hasOwn(obj, k)) obj[k] = epochMsToIso(obj[k]) ?? null;
  }
}

const text = (v: TemplateValue | undefined): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/** A record of the bulk list, checked and shaped for the templates. */
export function csObjectOf(kind: CsObjectKind, raw: unknown): Checked<CsObject> {
  if (!isRecord(raw)) return { rejected: `${kind} record is not an object` };
  const data = toTemplateValue(raw) as TemplateContext;
  const sha = text(data.sha);
  if (!sha || !/^[A-Za-z0-9:._-]+$/.test(sha)) return { rejected: `${kind} record without a usable sha` };
  data.sha = sha;
  datesToIso(data, OBJECT_DATES);
  if (kind === 'containers') {
    const state = text(data.state);
    if (!state) return { rejected: `container ${sha} without a state` };
    data.state = state.toUpperCase();
    if (isRecord(data.host)) datesToIso(data.host as TemplateContext, HOST_DATES);
    else data.host = {};
  } else {
    addImageNames(data);
    data.associatedHosts = associatedHosts(data);
  }
  return { ok: { sha, data } };
}

/**
 * `repo: [{registry, repository, tag}]` → the names the image templates use: the first
 * entry's registry and repository, every tag, and the other registries/repositories.
 */
function addImageNames(data: TemplateContext): void {
  const repos = Array.isArray(data.repo) ? data.repo.filter(isRecord) : [];
  const registries = distinct(repos.map((r) => text((r as TemplateContext).registry)));
  const repositories = distinct(repos.map((r) => text((r as TemplateContext).repository)));
  data.imageRegistry = registries[0] ?? data.imageRegistry ?? '';
  data.imageRepository = repositories[0] ?? data.imageRepository ?? '';
  data.imageTags = distinct(repos.map((r) => text((r as TemplateContext).tag)));
  data.otherImageRegistry = registries.slice(1);
  data.otherImageRepository = repositories.slice(1);
}

/** Hosts running the image, one per line ("hostname (ip)"); else the count the list gives. */
function associatedHosts(data: TemplateContext): TemplateValue {
  if (data.associatedHosts !== undefined && data.associatedHosts !== null) return data.associatedHosts;
  const hosts = Array.isArray(data.host) ? data.host.filter(isRecord) : [];
  if (hosts.length > 0) {
    return hosts.map((h) => {
      const c = h as TemplateContext;
      const name = text(c.hostname) ?? text(c.uuid) ?? '';
      const ip = text(c.ipAddress);
      return ip ? `${name} (${ip})` : name;
    });
  }
  return data.associatedHostsCount ?? null;
}

/** One entry of /vuln, checked and shaped for `${vuln.*}`. */
export function csVulnOf(raw: unknown): Checked<TemplateContext> {
  if (!isRecord(raw)) return { rejected: 'vulnerability entry is not an object' };
  const v = toTemplateValue(raw) as TemplateContext;
  const qid = text(v.qid);
  if (!qid || !/^\d+$/.test(qid)) return { rejected: 'vulnerability without a numeric qid' };
  v.qid = qid;
  datesToIso(v, VULN_DATES);
  // The templates name `vuln.softwares`; the API lists `software[]` objects.
  if (v.softwares === undefined && Array.isArray(v.software)) {
    v.softwares = v.software.filter(isRecord).map((s) => {
      const c = s as TemplateContext;
      return [text(c.name), text(c.version)].filter(Boolean).join(' ');
    });
  }
  return { ok: v };
}

/** The port part of a child key: empty for vulnerabilities without a port (package QIDs). */
export function portOf(vuln: TemplateContext): string {
  return text(vuln.port) ?? '';
}

/** The CS API marks a vulnerability no longer present as FIXED in some listings. */
export function isFixedVuln(vuln: TemplateContext): boolean {
  return text(vuln.status)?.toLowerCase() === 'fixed';
}
