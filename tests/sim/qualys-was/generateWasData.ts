import { QualysSimData, qualysTime, type SimKbEntry } from '../qualys/generateVmdrData.js';
import { intBetween, mix, mulberry32, pick } from '../qualys/prng.js';

export type WasStatus = 'NEW' | 'ACTIVE' | 'REOPENED' | 'FIXED' | 'PROTECTED';

export interface SimWebApp {
  id: number;
  name: string;
  url: string;
  tags: Array<{ id: number; name: string }>;
}

export interface SimPayload {
  payload: string;
  /** Base64 of the response text, as the sim sends it. */
  response: string;
  request: { method: string; link: string; headers: string; body: string | null };
}

/** A WAS Finding in the JSON shape of the search API (sample was_finding_verbose_elastic_qualys_was.json.txt). */
export interface SimWasFinding {
  id: number;
  uniqueId: string;
  qid: number;
  detectionScore: number;
  name: string;
  type: 'VULNERABILITY' | 'SENSITIVE_CONTENT' | 'INFORMATION_GATHERED';
  potential: 'true' | 'false';
  findingType: 'QUALYS' | 'BURP' | 'BUGCROWD';
  group: string;
  severity: string;
  url: string;
  status: WasStatus;
  firstDetectedDate: string;
  lastDetectedDate: string;
  lastTestedDate: string;
  updatedDate: string;
  fixedDate?: string;
  timesDetected: number;
  webAppId: number;
  isIgnored: 'true' | 'false';
  ignoredReason?: string;
  ignoredDate?: string;
  ignoredComment?: string;
  cwe: number[];
  owasp: Array<{ code: number; name: string; url: string }>;
  wasc: Array<{ code: number; name: string; url: string }>;
  cvssV3: { base: number; temporal: number; attackVector: string };
  payloads: SimPayload[];
  /** Plain text of the responses, for tests to compare with RESULT. */
  responseTexts: string[];
}

export interface WasDataOptions {
  seed?: number;
  webApps?: number;
  findingsPerApp?: number;
  /** Generated data is older than this. Default 2025-05-01. */
  baseTime?: string;
  /** Clock for mutators (lastTestedDate of what they touch). Default: the real clock. */
  now?: () => Date;
}

/** WAS QIDs are 15xxxx (qualys.md §3); the sim's KB knows this range. */
export const WAS_QID_BASE = 150_000;
export const WAS_QID_SPACE = 1_000;
const FIRST_FINDING_ID = 18_000_000;
const FIRST_WEBAPP_ID = 5_000;
const DAY = 86_400_000;

const VULNS = [
  { name: 'Cross-Site Scripting (XSS)', group: 'XSS', cwe: [79], owasp: [3, 'Injection'] },
  { name: 'SQL Injection', group: 'SQL', cwe: [89], owasp: [3, 'Injection'] },
  { name: 'Sensitive form field has not disabled autocomplete', group: 'INFO', cwe: [200], owasp: [5, 'Security Misconfiguration'] },
  { name: 'Path-Based Vulnerability', group: 'PATH', cwe: [22, 73], owasp: [1, 'Broken Access Control'] },
  { name: 'Server Returns HTTP 4XX Error Code During Scanning', group: 'INFO', cwe: [], owasp: [] },
] as const;
const TAGS = [
  { id: 12, name: 'data_classification:nan' },
  { id: 13, name: 'asset_criticality:3' },
  { id: 14, name: 'Production & DMZ' },
];

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * Deterministic WAS data: `webApps` × `findingsPerApp` findings with ascending ids (with
 * gaps, so paging must use real ids), all statuses, a few ignored, payloads base64.
 * Materialized: WAS tests are small.
 */
export class WasSimData {
  readonly webApps: SimWebApp[] = [];
  readonly findings: SimWasFinding[] = [];
  readonly seed: number;
  readonly baseMs: number;
  now: () => Date;
  /** The VMDR sim's KB, serving WAS QIDs (see WasKbData). */
  readonly kbData: WasKbData;
  private nextId: number;

  constructor(opts: WasDataOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.baseMs = Date.parse(opts.baseTime ?? '2025-05-01T00:00:00Z');
    this.now = opts.now ?? (() => new Date());
    this.kbData = new WasKbData(this);
    this.nextId = FIRST_FINDING_ID;
    const apps = opts.webApps ?? 3;
    const per = opts.findingsPerApp ?? 4;
    for (let a = 0; a < apps; a++) this.webApps.push(this.makeWebApp(a));
    // Ids interleave web apps, as one Qualys id sequence serves every app.
    for (let i = 0; i < per; i++) for (const app of this.webApps) this.findings.push(this.makeFinding(app, this.findings.length));
  }

  finding(id: number): SimWasFinding | undefined {
    return this.findings.find((f) => f.id === id);
  }

  webApp(id: number): SimWebApp | undefined {
    return this.webApps.find((w) => w.id === id);
  }

  /** An open finding becomes FIXED. */
  fixOne(): SimWasFinding | undefined {
    return this.mutate((f) => f.status !== 'FIXED', (f, now) => {
      f.status = 'FIXED';
      f.fixedDate = now;
    });
  }

  /** An open finding becomes PROTECTED (a WAF rule covers it). */
  protectOne(): SimWasFinding | undefined {
    return this.mutate((f) => f.status === 'NEW' || f.status === 'ACTIVE', (f) => {
      f.status = 'PROTECTED';
    });
  }

  /** A FIXED finding is detected again. */
  reopenOne(): SimWasFinding | undefined {
    return this.mutate((f) => f.status === 'FIXED', (f, now) => {
      f.status = 'REOPENED';
      f.lastDetectedDate = now;
      f.timesDetected++;
      delete f.fixedDate;
    });
  }

  /** A new finding on a web app (default the first). */
  addOne(webAppId = this.webApps[0]?.id): SimWasFinding {
    const app = (webAppId !== undefined && this.webApp(webAppId)) || this.webApps[0];
    if (!app) throw new Error('no web app to add a finding to');
    const f = this.makeFinding(app, this.findings.length);
    const now = qualysTime(this.now().getTime());
    Object.assign(f, { status: 'NEW', firstDetectedDate: now, lastDetectedDate: now, lastTestedDate: now, updatedDate: now, timesDetected: 1, isIgnored: 'false' });
    delete f.ignoredReason;
    delete f.ignoredDate;
    delete f.ignoredComment;
    delete f.fixedDate;
    this.findings.push(f);
    return f;
  }

  /** Changes the first finding `want` picks that no mutator touched at this `now`, so fixOne() then reopenOne() touch two findings. */
  private mutate(want: (f: SimWasFinding) => boolean, change: (f: SimWasFinding, now: string) => void): SimWasFinding | undefined {
    const now = qualysTime(this.now().getTime());
    const f = this.findings.find((x) => x.lastTestedDate !== now && want(x));
    if (!f) return undefined;
    change(f, now);
    f.lastTestedDate = now;
    f.updatedDate = now;
    return f;
  }

  private makeWebApp(index: number): SimWebApp {
    const rnd = mulberry32(mix(this.seed, index, 31));
    return {
      id: FIRST_WEBAPP_ID + index * 3,
      name: `Shop <${index}> & API`,
      url: `https://app${index}.example.test`,
      tags: TAGS.filter(() => rnd() < 0.5),
    };
  }

  private makeFinding(app: SimWebApp, index: number): SimWasFinding {
    const rnd = mulberry32(mix(this.seed, index, 37));
    const vulnIndex = index % VULNS.length;
    const vuln = VULNS[vulnIndex]!;
    const roll = rnd();
    const status: WasStatus = roll < 0.4 ? 'ACTIVE' : roll < 0.6 ? 'NEW' : roll < 0.8 ? 'FIXED' : roll < 0.9 ? 'REOPENED' : 'PROTECTED';
    const first = this.baseMs - intBetween(rnd, 30, 900) * DAY;
    const last = this.baseMs - intBetween(rnd, 1, 29) * DAY;
    const id = this.nextId;
    this.nextId += intBetween(rnd, 1, 5);
    const link = `${app.url}/page/${index}?q=${index}`;
    const responseTexts = Array.from({ length: intBetween(rnd, 1, 3) }, (_, k) => `HTTP/1.1 200 OK\n<html><body>Reflected <script>alert(${index}.${k})</script> — ünïcode</body></html>\n`);
    const ignored = index % 7 === 3;
    const f: SimWasFinding = {
      id,
      uniqueId: `${(mix(this.seed, index) >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${String(id).padStart(12, '0')}`,
      qid: WAS_QID_BASE + ((vulnIndex * 97 + 12) % WAS_QID_SPACE),
      detectionScore: intBetween(rnd, 0, 100),
      name: vuln.name,
      type: vuln.group === 'INFO' ? (vulnIndex === 4 ? 'INFORMATION_GATHERED' : 'VULNERABILITY') : 'VULNERABILITY',
      potential: rnd() < 0.2 ? 'true' : 'false',
      findingType: pick(rnd, ['QUALYS', 'QUALYS', 'BURP'] as const),
      group: vuln.group,
      severity: String(intBetween(rnd, 1, 5)),
      url: link,
      status,
      firstDetectedDate: qualysTime(first),
      lastDetectedDate: qualysTime(last),
      lastTestedDate: qualysTime(last),
      updatedDate: qualysTime(last),
      timesDetected: intBetween(rnd, 1, 1500),
      webAppId: app.id,
      isIgnored: ignored ? 'true' : 'false',
      cwe: [...vuln.cwe],
      owasp: vuln.owasp.length ? [{ code: vuln.owasp[0], name: vuln.owasp[1], url: `https://owasp.org/Top10/A0${vuln.owasp[0]}_2021/` }] : [],
      wasc: [{ code: 13, name: 'INFORMATION LEAKAGE', url: 'http://projects.webappsec.org/w/page/13246936/WASC' }],
      cvssV3: { base: 3.7, temporal: 3.6, attackVector: 'Network' },
      payloads: responseTexts.map((text, k) => ({
        payload: k === 0 ? `<script>alert(${index})</script>` : 'N/A',
        response: b64(text),
        request: { method: 'GET', link, headers: b64(`Host: app.example.test\nUser-Agent: sim ${k}`), body: null },
      })),
      responseTexts,
    };
    if (status === 'FIXED') f.fixedDate = qualysTime(last);
    if (ignored) Object.assign(f, { ignoredReason: 'FALSE_POSITIVE', ignoredDate: qualysTime(last), ignoredComment: 'ignored by the sim' });
    return f;
  }
}

/**
 * The VMDR simulator's KnowledgeBase data, moved to WAS QIDs: writeKb (tests/sim/qualys)
 * then serves them unchanged. An entry is the VMDR sim's entry of a mapped QID with the
 * WAS QID, the finding's name as title and category "Web Application" (qualys.md §3).
 */
export class WasKbData extends QualysSimData {
  constructor(private readonly was: WasSimData) {
    super({ seed: was.seed, hosts: 0, now: () => was.now() });
  }

  override kbQidRange(): [number, number] {
    return [WAS_QID_BASE, WAS_QID_BASE + WAS_QID_SPACE - 1];
  }

  override kb(qidText: string): SimKbEntry | undefined {
    const qid = Number(qidText);
    if (!Number.isInteger(qid) || qid < WAS_QID_BASE || qid >= WAS_QID_BASE + WAS_QID_SPACE || this.kbMissing.has(qidText)) return undefined;
    const base = super.kb(String(10_000 + (qid - WAS_QID_BASE)));
    if (!base) return undefined;
    const title = this.was.findings.find((f) => f.qid === qid)?.name ?? `Web application vulnerability ${qid}`;
    return { ...base, QID: qidText, TITLE: title, CATEGORY: 'Web Application', CVSS_V3_ATTACK_VECTOR: 'Network' };
  }
}

export function generateWasData(opts: WasDataOptions = {}): WasSimData {
  return new WasSimData(opts);
}
