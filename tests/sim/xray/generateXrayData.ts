/**
 * Deterministic Xray violations shaped like Get Violations items with `include_details: true`
 * (api-notes §1.3), spread over a few watches, in `created` order.
 */
import { intBetween, mix, mulberry32, pick } from '../qualys/prng.js';
import { buildCatalog, componentId, LICENSES, operationalRiskIssueId, type SimPackage, type XrayCatalog } from './xrayCatalog.js';
import { goPathEscape, hex, xrayTime } from './xrayFormat.js';
import type {
  XrayApplicabilityResult,
  XrayMatchedPolicy,
  XraySeverity,
  XrayViolation,
  XrayViolationType,
  XrayWatch,
} from './xrayTypes.js';

/** Real Xray writes its own internal address into `violation_details_url` (JFrog SIEM fixture). */
export const XRAY_INTERNAL_BASE_URL = 'http://localhost:8046';

export interface XrayDataOptions {
  seed?: number;
  /** Watch names, or how many watches to make (default 3). */
  watches?: number | string[];
  violationsPerWatch?: number;
  /** `created` of the first violation (default 2025-06-01T00:00:00Z). */
  start?: Date;
  /** Base of `violation_details_url` (default the internal `http://localhost:8046`). */
  detailsBaseUrl?: string;
}

/** What `makeViolation` may pin; everything else is generated. */
export interface XrayViolationInit {
  watch_name?: string;
  type?: XrayViolationType;
  severity?: XraySeverity;
  created?: Date;
}

export interface XraySimData {
  watches: XrayWatch[];
  /** Ascending by `created`; generation order breaks ties. The simulator keeps this list current. */
  violations: XrayViolation[];
  /** A new violation like the generated ones (deterministic by call order), not added to `violations`. */
  makeViolation(init?: XrayViolationInit): XrayViolation;
}

const WATCH_NAMES = ['prod-docker-watch', 'npm-apps-watch', 'maven-services-watch', 'python-jobs-watch', 'release-bundles-watch'];
const APPS = ['billing', 'checkout', 'catalog', 'gateway', 'auth-service', 'reports', 'inventory', 'mailer'];
const REPOS = ['docker-local', 'npm-local', 'libs-release-local', 'pypi-local', 'go-local', 'generic-local'];
const APPLICABILITY: readonly XrayApplicabilityResult[] = ['applicable', 'not_applicable', 'not_covered', 'undetermined', 'not_scanned', 'technology_unsupported', 'rescan_required', 'upgrade_required'];
const DAY_MS = 86_400_000;

function makeWatches(seed: number, spec: number | string[]): XrayWatch[] {
  const names = typeof spec === 'number' ? Array.from({ length: spec }, (_, i) => WATCH_NAMES[i] ?? `watch-${i + 1}`) : spec;
  return names.map((name, i) => {
    const rnd = mulberry32(mix(seed, 0x3a7c, i));
    const policies: XrayWatch['policies'] = [
      { name: 'sec-baseline', type: 'security' },
      { name: 'license-compliance', type: 'license' },
      { name: 'oss-operational-risk', type: 'operational_risk' },
    ];
    if (i % 2 === 0) policies.push({ name: 'sec-critical-block', type: 'security' });
    return {
      id: hex(rnd, 24),
      name,
      description: `Watches ${name.replace(/-watch$/, '')} repositories`,
      resources: REPOS.map((repo) => ({ type: 'repository', bin_mgr_id: 'default', name: repo })),
      policies,
    };
  });
}

/** Where a component was found: a package of its own kind, or (for OS packages always) an image. */
function impactedArtifact(rnd: () => number, pkg: SimPackage, version: string): string {
  // A few instances name another Artifactory (bin-mgr id) than "default".
  const binMgr = rnd() < 0.05 ? 'jfrog-edge' : 'default';
  const app = pick(rnd, APPS);
  const appVersion = `${intBetween(rnd, 1, 4)}.${intBetween(rnd, 0, 12)}.${intBetween(rnd, 0, 9)}`;
  const inImage = pkg.eco === 'deb' || pkg.eco === 'docker' || rnd() < 0.3;
  if (inImage) return `${binMgr}/docker-local/${app}/${appVersion}/manifest.json`;
  switch (pkg.eco) {
    case 'npm':
      return `${binMgr}/npm-local/${app}/-/${app}-${appVersion}.tgz`;
    case 'gav':
      return `${binMgr}/libs-release-local/com/acme/${app}/${appVersion}/${app}-${appVersion}.jar`;
    case 'pypi':
      return `${binMgr}/pypi-local/${app}/${appVersion}/${app.replace(/-/g, '_')}-${appVersion}-py3-none-any.whl`;
    case 'go':
      return `${binMgr}/go-local/github.com/acme/${app}/@v/v${appVersion}.zip`;
    default:
      return `${binMgr}/generic-local/builds/${version.split('/').pop() ?? `${app}.zip`}`;
  }
}

function detailsUrl(base: string, watchId: string, issueId: string, comp: string, reversed: boolean): string {
  const parts = [`watch_id=${watchId}`, `issue_id=${goPathEscape(issueId)}`, `comp_id=${goPathEscape(comp)}`];
  if (reversed) parts.reverse();
  return `${base}/xray/api/v1/violations?${parts.join('&')}`;
}

interface Generator {
  catalog: XrayCatalog;
  watches: XrayWatch[];
  seed: number;
  detailsBaseUrl: string;
  /** watch name → taken `issue|component` keys: (watch, issue, component) is a violation's identity. */
  taken: Map<string, Set<string>>;
  made: number;
}

function pickType(r: number): XrayViolationType {
  return r < 0.8 ? 'Security' : r < 0.94 ? 'License' : 'Operational_Risk';
}

function buildViolation(g: Generator, index: number, watch: XrayWatch, createdMs: number, init: XrayViolationInit): XrayViolation {
  const rnd = mulberry32(mix(g.seed, 0x7101, index));
  const taken = g.taken.get(watch.name) ?? new Set<string>();
  g.taken.set(watch.name, taken);
  let type = init.type ?? pickType(rnd());
  let pkg: SimPackage;
  let version: string;
  let issueKey: string;
  let attempts = 0;
  let key: string;
  // Retry until (issue, component) is new in this watch; past a few tries mint a fresh version.
  do {
    if (attempts > 6 && type === 'Operational_Risk' && !init.type) type = 'Security';
    pkg = pick(rnd, g.catalog.packages);
    version = attempts > 12 ? `${pick(rnd, pkg.versions)}.sim${index}` : pick(rnd, pkg.versions);
    const comp = componentId(pkg, version);
    issueKey =
      type === 'Security' ? pick(rnd, pkg.securityIssues).issueId : type === 'License' ? pick(rnd, LICENSES).key : operationalRiskIssueId(g.seed, comp);
    key = `${issueKey}|${comp}`;
    attempts++;
  } while (taken.has(key!));
  taken.add(key!);
  const comp = componentId(pkg!, version!);
  const comps = rnd() < 0.08 && pkg!.versions.length > 1 ? [comp, componentId(pkg!, pkg!.versions.find((v) => v !== version)!)] : [comp];
  const created = xrayTime(createdMs);
  const artifacts = rnd() < 0.12 ? [impactedArtifact(rnd, pkg!, version!), impactedArtifact(rnd, pkg!, version!)] : [impactedArtifact(rnd, pkg!, version!)];
  const artifactsKey = rnd() < 0.1 ? 'impact_artifacts' : 'impacted_artifacts';
  const url = detailsUrl(g.detailsBaseUrl, watch.id, issueKey!, comp, rnd() < 0.5);
  const violationId = `${Math.max(createdMs, 0)}${String(index % 1_000_000).padStart(6, '0')}`;
  const policy = (name: string, rule: string, isBlocking: boolean): XrayMatchedPolicy => ({ policy: name, rule, is_blocking: isBlocking });

  let v: XrayViolation;
  if (type === 'Security') {
    const issue = pkg!.securityIssues.find((s) => s.issueId === issueKey)!;
    const severity = init.severity ?? issue.severity;
    const matched = [policy('sec-baseline', 'all-severities', false)];
    if ((severity === 'Critical' || severity === 'High') && watch.policies.some((p) => p.name === 'sec-critical-block')) matched.push(policy('sec-critical-block', 'critical-high', true));
    v = {
      description: issue.description,
      severity,
      type,
      infected_components: comps,
      created,
      watch_name: watch.name,
      issue_id: issue.issueId,
      violation_details_url: url,
      [artifactsKey]: artifacts,
      violation_id: violationId,
      summary: issue.summary,
      provider: issue.provider,
      infected_versions: issue.infectedVersions,
      fix_versions: issue.fixVersions,
      matched_policies: matched,
    };
    if (issue.properties) v.properties = issue.properties;
    if (issue.extended) v.extended_information = issue.extended;
    const applicability = rnd();
    if (applicability < 0.25) {
      v.applicability_details = [{ component_id: comp, source_comp_id: comp, vulnerability_id: issue.cves[0] ?? issue.issueId, result: pick(rnd, APPLICABILITY) }];
    } else if (applicability < 0.6) {
      v.applicability = null;
    }
  } else if (type === 'License') {
    const license = LICENSES.find((l) => l.key === issueKey)!;
    v = {
      description: license.fullName,
      severity: init.severity ?? license.severity,
      type,
      infected_components: comps,
      created,
      watch_name: watch.name,
      issue_id: license.key,
      violation_details_url: url,
      [artifactsKey]: artifacts,
      violation_id: violationId,
      summary: license.name,
      matched_policies: [policy('license-compliance', 'banned-licenses', rnd() < 0.3)],
    };
  } else {
    const risk = init.severity && ['High', 'Medium', 'Low'].includes(init.severity) ? init.severity : pick(rnd, ['High', 'Medium', 'Low'] as const);
    const eol = rnd() < 0.5;
    const latest = pkg!.versions[pkg!.versions.length - 1]!;
    v = {
      description: eol ? `${pkg!.shortName} ${version!} has reached end of life` : `${pkg!.shortName} ${version!} is ${intBetween(rnd, 10, 60)} versions behind and rarely maintained`,
      severity: init.severity ?? risk,
      type,
      infected_components: comps,
      created,
      watch_name: watch.name,
      issue_id: issueKey!,
      violation_details_url: url,
      [artifactsKey]: artifacts,
      violation_id: violationId,
      summary: `Operational risk: ${pkg!.shortName}`,
      matched_policies: [policy('oss-operational-risk', `risk-${risk.toLowerCase()}`, false)],
      operational_risk: {
        risk,
        risk_reason: eol ? 'The component has reached end of life' : 'Low release cadence and many newer versions',
        is_eol: eol,
        eol_message: eol ? 'No longer maintained by its authors' : '',
        latest_version: latest,
        newer_versions: intBetween(rnd, 1, 80),
        cadence: eol ? null : Math.round(rnd() * 1000) / 100,
        commits: intBetween(rnd, 10, 5000),
        committers: intBetween(rnd, 1, 40),
        released: xrayTime(createdMs - intBetween(rnd, 200, 3000) * DAY_MS),
      },
    };
  }
  if (rnd() < 0.03) {
    v.ignore_rule_info = {
      id: `${hex(rnd, 8)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 12)}`,
      ignore_rule_type: type === 'License' ? 'license' : type === 'Security' ? 'vulnerability' : 'operational_risk',
      author: pick(rnd, ['jdoe', 'secops-bot', 'a.kowalski']),
      created: xrayTime(createdMs + intBetween(rnd, 1, 30) * DAY_MS),
      notes: 'Accepted risk: not reachable from our code',
      is_expired: false,
    };
  }
  return v;
}

/**
 * `watches × violationsPerWatch` violations. Deterministic for a seed: `created` increases
 * (about a third share the previous second), watches interleave, and (watch, issue_id,
 * component) is unique. 100,000 take well under a second.
 */
export function generateXrayData(opts: XrayDataOptions = {}): XraySimData {
  const seed = opts.seed ?? 1;
  const watches = makeWatches(seed, opts.watches ?? 3);
  const perWatch = opts.violationsPerWatch ?? 20;
  const startMs = (opts.start ?? new Date('2025-06-01T00:00:00Z')).getTime();
  const g: Generator = { catalog: buildCatalog(seed), watches, seed, detailsBaseUrl: opts.detailsBaseUrl ?? XRAY_INTERNAL_BASE_URL, taken: new Map(), made: 0 };

  const total = watches.length * perWatch;
  // Exactly `perWatch` per watch, interleaved: a seeded shuffle of watch indexes.
  const owner = new Uint16Array(total);
  for (let i = 0; i < total; i++) owner[i] = Math.floor(i / perWatch);
  const shuffle = mulberry32(mix(seed, 0x5407));
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    const t = owner[i]!;
    owner[i] = owner[j]!;
    owner[j] = t;
  }
  const clock = mulberry32(mix(seed, 0xc10c));
  const violations: XrayViolation[] = new Array<XrayViolation>(total);
  let ms = startMs;
  for (let i = 0; i < total; i++) {
    if (i > 0 && clock() >= 0.35) ms += 1000 * (1 + Math.floor(clock() * 90));
    violations[i] = buildViolation(g, i, watches[owner[i]!]!, ms, {});
  }
  g.made = total;
  return {
    watches,
    violations,
    makeViolation(init = {}) {
      const index = g.made++;
      const watch = init.watch_name ? watches.find((w) => w.name === init.watch_name) : watches[index % watches.length];
      if (!watch) throw new Error(`makeViolation: unknown watch ${init.watch_name}`);
      return buildViolation(g, index, watch, (init.created ?? new Date()).getTime(), init);
    },
  };
}

/** First infected component: the `comp_id` of the violation's details URL. */
export function componentOf(v: XrayViolation): string {
  return v.infected_components[0] ?? '';
}

/** The artifacts of a violation whichever key it uses. */
export function artifactsOf(v: XrayViolation): string[] {
  return v.impacted_artifacts ?? v.impact_artifacts ?? [];
}
