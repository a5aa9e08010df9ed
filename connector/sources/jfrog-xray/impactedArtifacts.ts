import type { TemplateValue } from '../../model/finding.js';

/** The fields of an impacted artifact (and of its infected files) that JFrog's PagerDuty app shows (seeds/000). */
const ARTIFACT_KEYS = ['depth', 'display_name', 'name', 'path', 'pkg_type', 'sha256', 'sha1', 'parent_sha'];

/**
 * The impacted artifacts as objects, where the payload has them (Xray's webhook does:
 * `{display_name, path, pkg_type, sha256, infected_files: [...]}`); Get Violations lists
 * paths only, and gives none. Scalars only, so nothing nested beyond infected_files comes along.
 */
export function impactedArtifactObjects(v: Record<string, unknown>): TemplateValue[] {
  const out: TemplateValue[] = [];
  for (const key of ['impacted_artifacts', 'impact_artifacts']) {
    const list = v[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isRecord(item)) continue;
      const artifact = pick(item);
      const files = Array.isArray(item.infected_files) ? item.infected_files.filter(isRecord).map(pick) : [];
      out.push(files.length ? { ...artifact, infected_files: files } : artifact);
    }
  }
  return out;
}

function pick(o: Record<string, unknown>): { [key: string]: TemplateValue } {
  const out: { [key: string]: TemplateValue } = {};
  for (const k of ARTIFACT_KEYS) {
    const value = o[k];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[k] = value;
  }
  return out;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
