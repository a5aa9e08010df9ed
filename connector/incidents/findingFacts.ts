import type { TemplateContext, TemplateValue } from '../model/finding.js';
import type { SeverityName } from '../model/severity.js';
import { resolvePath, stringifyValue } from '../templates/stringifyValue.js';
import type { Details } from './fitSize.js';
import { findingSeverity } from './severity.js';

/**
 * What an incident needs to know about one finding, read per module from its template
 * context (the vocabularies of connector/templates/modulePlaceholders.ts).
 */
export interface FindingFacts {
  severity: SeverityName;
  /** One line; `inGroup` leaves out the watch / host (a group alert names it once). */
  line(inGroup: boolean): string;
  source: string;
  group?: string;
  component?: string;
  class?: string;
  /** When the finding was first found / created, as the scanner wrote it ('' = unknown). */
  firstSeen: string;
  details: Details;
  links: Array<{ href: string; text: string }>;
}

export function findingFacts(module: string, ctx: TemplateContext): FindingFacts {
  if (module === 'XRAY') return xrayFacts(ctx);
  if (module === 'VMDR') return vmdrFacts(ctx);
  return otherFacts(module, ctx);
}

/** The value at a dotted path as one trimmed line of text. */
export function textAt(ctx: TemplateContext, path: string): string {
  return stringifyValue(resolvePath(ctx, path)).replace(/\s+/g, ' ').trim();
}

/** A list value as strings; a comma-separated string (VMDR `CVES`) is split. */
export function listAt(ctx: TemplateContext, path: string): string[] {
  const v = resolvePath(ctx, path);
  if (v === undefined || v === null || v === '') return [];
  const items = Array.isArray(v) ? v.map((i) => stringifyValue(i)) : stringifyValue(v).split(/\s*,\s*/);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

function numberOrText(ctx: TemplateContext, path: string): TemplateValue {
  const t = textAt(ctx, path);
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
}

function first(...values: string[]): string {
  return values.find((v) => v !== '') ?? '';
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\/\S+$/i.test(text);
}

/** Keys with empty values ('' or []) are left out, except those always shown. */
function compact(details: Details, always: readonly string[]): Details {
  const out: Details = {};
  for (const [k, v] of Object.entries(details)) {
    const empty = v === '' || v === null || (Array.isArray(v) && v.length === 0);
    if (!empty || always.includes(k)) out[k] = v;
  }
  return out;
}

// XRAY: keys as JFrog's PagerDuty app shows them (seeds/000: created, cve, description,
// impacted_artifacts, provider, severity, summary, type, policy, watch).
const XRAY_ALWAYS = ['created', 'cve', 'description', 'impacted_artifacts', 'provider', 'severity', 'summary', 'type', 'policy', 'watch'];

function xrayFacts(ctx: TemplateContext): FindingFacts {
  const severity = findingSeverity(ctx);
  const type = textAt(ctx, 'TYPE');
  const watch = textAt(ctx, 'WATCH');
  const component = textAt(ctx, 'COMPONENT');
  const issueId = textAt(ctx, 'ISSUE_ID');
  const cves = listAt(ctx, 'CVES');
  const cve = first(cves.join(', '), textAt(ctx, 'CVE'));
  // Get Violations carries no summary: its description's first line says the same (seeds/000 shows one).
  const summary = first(textAt(ctx, 'SUMMARY'), firstLine(stringifyValue(resolvePath(ctx, 'DESCRIPTION'))));
  const artifactObjects = resolvePath(ctx, 'IMPACTED_ARTIFACT_DETAILS');

  const line = (inGroup: boolean): string => {
    const where = `${component ? ` in ${component}` : ''}${watch && !inGroup ? ` (watch ${watch})` : ''}`;
    if (type === 'License') {
      const license = first(textAt(ctx, 'LICENSE'), issueId);
      const name = first(textAt(ctx, 'LICENSE_NAME'), textAt(ctx, 'DESCRIPTION'), summary);
      return `[${severity}] License ${license}${name && name !== license ? ` (${name})` : ''}${where}`;
    }
    if (type === 'Operational_Risk') {
      const reason = first(textAt(ctx, 'OPERATIONAL_RISK_REASON'), summary);
      return `[${severity}] Operational risk${where}${reason ? `: ${reason}` : ''}`;
    }
    const firstCve = textAt(ctx, 'CVE') || cves[0] || '';
    const ids = [issueId, firstCve].filter((id, i, all) => id !== '' && all.indexOf(id) === i).join(' ');
    return `[${severity}] ${ids}${where}${summary ? `: ${summary}` : ''}`;
  };

  const cvss = numberOrText(ctx, 'CVSS_SCORE');
  const details = compact(
    {
      created: textAt(ctx, 'CREATED'),
      cve,
      description: stringifyValue(resolvePath(ctx, 'DESCRIPTION')),
      // As objects where the data has them (a webhook's), else the paths Get Violations lists.
      impacted_artifacts: Array.isArray(artifactObjects) && artifactObjects.length ? artifactObjects : listAt(ctx, 'IMPACTED_ARTIFACTS'),
      // Every Xray event comes from JFrog; Get Violations leaves `provider` out.
      provider: first(textAt(ctx, 'PROVIDER'), 'JFrog'),
      severity,
      summary,
      type,
      policy: textAt(ctx, 'POLICY'),
      watch,
      rule: textAt(ctx, 'RULE'),
      issue_id: issueId,
      component,
      fix_versions: listAt(ctx, 'FIX_VERSIONS'),
      cvss,
      cvss_vector: first(textAt(ctx, 'CVSS_V3_VECTOR'), textAt(ctx, 'CVSS_V2_VECTOR')),
      license: textAt(ctx, 'LICENSE'),
      license_name: textAt(ctx, 'LICENSE_NAME'),
      operational_risk: textAt(ctx, 'OPERATIONAL_RISK'),
      operational_risk_reason: textAt(ctx, 'OPERATIONAL_RISK_REASON'),
      applicability: textAt(ctx, 'APPLICABILITY'),
      jfrog_severity: textAt(ctx, 'JFROG_SEVERITY'),
      remediation: stringifyValue(resolvePath(ctx, 'REMEDIATION')),
      ignore_rule: textAt(ctx, 'IGNORE_RULE'),
    },
    XRAY_ALWAYS,
  );
  const watchUrl = textAt(ctx, 'WATCH_URL');
  return {
    severity,
    line,
    source: first(watch, component, 'jfrog-xray'),
    group: watch || undefined,
    component: component || undefined,
    class: type || undefined,
    firstSeen: textAt(ctx, 'CREATED'),
    details,
    links: isHttpUrl(watchUrl) ? [{ href: watchUrl, text: 'Xray watch violations' }] : [],
  };
}

const VMDR_ALWAYS = ['host', 'ip', 'qid', 'title', 'qds', 'trurisk', 'port', 'status', 'severity', 'cves'];

/** The host as people name it: DNS name, else FQDN, else NetBIOS name. */
export function vmdrHostName(ctx: TemplateContext): string {
  return first(textAt(ctx, 'DNS'), textAt(ctx, 'DNS_DATA.FQDN'), textAt(ctx, 'NETBIOS'));
}

function vmdrFacts(ctx: TemplateContext): FindingFacts {
  const severity = findingSeverity(ctx);
  const host = vmdrHostName(ctx);
  const ip = first(textAt(ctx, 'IP'), textAt(ctx, 'IPV6'));
  const port = textAt(ctx, 'PORT');
  const protocol = textAt(ctx, 'PROTOCOL');
  const qid = first(textAt(ctx, 'QID'), textAt(ctx, 'VULN.QID'));
  const title = textAt(ctx, 'VULN.TITLE');
  const qds = textAt(ctx, 'QDS.content');
  const type = textAt(ctx, 'TYPE');

  const line = (inGroup: boolean): string => {
    const address = ip ? `${ip}${port ? `:${port}` : ''}` : port ? `port ${port}` : '';
    const where = [inGroup ? '' : host, address].filter(Boolean).join(' ');
    return `QID ${qid}${title ? ` ${title}` : ''}${where ? `${inGroup ? '' : ' on'} ${where}` : ''}${qds ? ` (QDS ${qds})` : ''}`;
  };

  const details = compact(
    {
      host,
      ip,
      qid,
      title,
      qds: numberOrText(ctx, 'QDS.content'),
      trurisk: numberOrText(ctx, 'TRURISK_SCORE'),
      port,
      protocol,
      status: textAt(ctx, 'STATUS'),
      severity,
      severity_level: numberOrText(ctx, 'SEVERITY'),
      cves: listAt(ctx, 'VULN.CVES').length ? listAt(ctx, 'VULN.CVES') : listAt(ctx, 'VULN.CVE_LIST.CVE.ID'),
      type,
      host_id: textAt(ctx, 'ID'),
      first_found: textAt(ctx, 'FIRST_FOUND_DATETIME'),
      last_found: textAt(ctx, 'LAST_FOUND_DATETIME'),
      cvss_v3: numberOrText(ctx, 'VULN.CVSS_V3_BASE'),
      category: textAt(ctx, 'VULN.CATEGORY'),
    },
    VMDR_ALWAYS,
  );
  const source = first(host, ip, textAt(ctx, 'ID') && `host ${textAt(ctx, 'ID')}`, 'qualys-vmdr');
  return {
    severity,
    line,
    source,
    group: source,
    component: port ? `${port}/${protocol || 'tcp'}` : undefined,
    class: type || undefined,
    firstSeen: textAt(ctx, 'FIRST_FOUND_DATETIME'),
    details,
    // Qualys has no public per-detection URL.
    links: [],
  };
}

/** WAS and Container Security: the few fields every finding has, best effort. */
function otherFacts(module: string, ctx: TemplateContext): FindingFacts {
  const severity = findingSeverity(ctx);
  const qid = first(textAt(ctx, 'QID'), textAt(ctx, 'vuln.qid'));
  const title = first(textAt(ctx, 'VULN.TITLE'), textAt(ctx, 'vuln.title'), textAt(ctx, 'TITLE'));
  const where = first(
    textAt(ctx, 'WEBAPP_NAME'),
    textAt(ctx, 'WEBAPP_URL'),
    textAt(ctx, 'host.hostname'),
    textAt(ctx, 'name'),
    textAt(ctx, 'imageId'),
    textAt(ctx, 'containerId'),
  );
  const line = (inGroup: boolean): string =>
    `[${severity}] ${module}${qid ? ` QID ${qid}` : ''}${title ? ` ${title}` : ''}${where && !inGroup ? ` on ${where}` : ''}`;
  const details: Details = compact(
    { module, severity, qid, title, where, status: first(textAt(ctx, 'STATUS'), textAt(ctx, 'vuln.status')) },
    ['module', 'severity'],
  );
  const webUrl = textAt(ctx, 'WEBAPP_URL');
  return {
    severity,
    line,
    source: first(where, module),
    group: where || undefined,
    class: first(textAt(ctx, 'TYPE'), textAt(ctx, 'FINDING_TYPE')) || undefined,
    firstSeen: first(textAt(ctx, 'FIRST_DETECTED_DATE'), textAt(ctx, 'vuln.firstFound'), textAt(ctx, 'FIRST_FOUND_DATETIME')),
    details,
    links: isHttpUrl(webUrl) ? [{ href: webUrl, text: 'Web application' }] : [],
  };
}
