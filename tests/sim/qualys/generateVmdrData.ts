import { intBetween, mix, mulberry32, pick } from './prng.js';

/** Qualys date format (`YYYY-MM-DDTHH:MM:SSZ`, host_detection.htm). */
export function qualysTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type SimStatus = 'New' | 'Active' | 'Fixed' | 'Re-Opened';

export interface SimDetection {
  UNIQUE_VULN_ID: string;
  QID: string;
  TYPE: 'Confirmed' | 'Potential';
  SEVERITY: string;
  PORT?: string;
  PROTOCOL?: string;
  SSL: '0' | '1';
  RESULTS: string;
  STATUS: SimStatus;
  FIRST_FOUND_DATETIME: string;
  LAST_FOUND_DATETIME: string;
  QDS: number;
  QDS_FACTORS: Array<[name: string, value: string]>;
  TIMES_FOUND: number;
  LAST_TEST_DATETIME: string;
  LAST_UPDATE_DATETIME: string;
  LAST_FIXED_DATETIME?: string;
  FIRST_REOPENED_DATETIME?: string;
  LAST_REOPENED_DATETIME?: string;
  TIMES_REOPENED?: number;
  IS_IGNORED: '0' | '1';
  IS_DISABLED: '0' | '1';
  LAST_PROCESSED_DATETIME: string;
}

export interface SimTag {
  TAG_ID: string;
  NAME: string;
}

export interface SimHost {
  /** Position in generation order; seeds the host's detections. */
  index: number;
  ID: string;
  ASSET_ID: string;
  IP: string;
  TRACKING_METHOD: string;
  OS: string;
  DNS: string;
  HOSTNAME: string;
  DOMAIN: string;
  NETBIOS: string;
  LAST_SCAN_DATETIME: string;
  LAST_VM_SCANNED_DATE: string;
  LAST_VM_SCANNED_DURATION: string;
  TAGS: SimTag[];
  TRURISK_SCORE: string;
  ASSET_CRITICALITY_SCORE: string;
  ASSET_RISK_SCORE: string;
  detectionCount: number;
  /** Materialized once a mutator touches the host; otherwise generated on demand. */
  detections?: SimDetection[];
}

export interface SimKbEntry {
  QID: string;
  VULN_TYPE: string;
  SEVERITY_LEVEL: string;
  TITLE: string;
  CATEGORY: string;
  LAST_SERVICE_MODIFICATION_DATETIME: string;
  PUBLISHED_DATETIME: string;
  PATCHABLE: '0' | '1';
  CVES: string[];
  DIAGNOSIS: string;
  CONSEQUENCE: string;
  SOLUTION: string;
  CVSS_BASE: string;
  CVSS_TEMPORAL: string;
  CVSS_V3_BASE: string;
  CVSS_V3_TEMPORAL: string;
  CVSS_V3_ATTACK_VECTOR: string;
  PCI_FLAG: '0' | '1';
  THREAT_INTEL: Array<[id: string, text: string]>;
}

export interface VmdrDataOptions {
  seed?: number;
  hosts?: number;
  detectionsPerHost?: number;
  /** Generated data is older than this; mutators stamp `now()`. Default 2024-03-01. */
  baseTime?: string;
  /** Clock for mutators (LAST_UPDATE_DATETIME …). Default: the real clock. */
  now?: () => Date;
}

/** Change made by a mutator, so a test can check what the next pull should see. */
export interface SimChange {
  hostId: string;
  qid: string;
  port: string;
  protocol: string;
}

// QIDs are drawn from a fixed range; STEP is prime and does not divide SPACE, so one
// host never gets the same QID twice while i < SPACE.
const QID_BASE = 10_000;
const QID_SPACE = 40_000;
const QID_STEP = 7_919;
const FIRST_HOST_ID = 100_000;

const OSES = ['Windows 2016/2019/10', 'Ubuntu Linux 20.04.6', 'Red Hat Enterprise Linux 8.9', 'Cisco IOS 15.x & IOS-XE', 'macOS 14 <Sonoma>'];
const TAGS: readonly SimTag[] = [
  { TAG_ID: '7001', NAME: 'Cloud Agent' },
  { TAG_ID: '7002', NAME: 'Production' },
  { TAG_ID: '7003', NAME: 'DMZ & Edge' },
  { TAG_ID: '7004', NAME: 'PCI' },
  { TAG_ID: '7005', NAME: 'Linux Servers' },
];
const PORTS: ReadonlyArray<[string, string]> = [
  ['22', 'tcp'],
  ['80', 'tcp'],
  ['443', 'tcp'],
  ['3389', 'tcp'],
  ['8443', 'tcp'],
  ['161', 'udp'],
];
const FACTORS = ['CVSS', 'CVSS_version', 'epss', 'RTI', 'exploit_maturity'];
const CATEGORIES = ['Windows', 'Ubuntu', 'Web server', 'CGI', 'Local', 'General remote services'];
const DAY = 86_400_000;

function qdsFromSeverity(rnd: () => number, severity: number): number {
  return Math.min(100, Math.max(1, severity * 18 + intBetween(rnd, -15, 10)));
}

/** QDS bands (host_detection.htm): Critical 90-100, High 70-89, Medium 40-69, Low 1-39. */
export function qdsSeverity(qds: number): string {
  if (qds >= 90) return 'CRITICAL';
  if (qds >= 70) return 'HIGH';
  if (qds >= 40) return 'MEDIUM';
  return 'LOW';
}

/** Port of a QID is a property of the QID; a third of QIDs are host-level (no port). */
function qidPort(qid: number): [string, string] | undefined {
  const r = mix(qid, 17) % 3;
  return r === 0 ? undefined : PORTS[mix(qid, 23) % PORTS.length];
}

/**
 * Deterministic Qualys VMDR data: `hosts` × `detectionsPerHost`, generated lazily per
 * host so a million detections cost no memory until a mutator touches a host.
 */
export class QualysSimData {
  readonly hosts: SimHost[] = [];
  readonly seed: number;
  readonly detectionsPerHost: number;
  readonly baseMs: number;
  now: () => Date;
  /** QIDs the KnowledgeBase pretends not to know. */
  readonly kbMissing = new Set<string>();
  private mutations = 0;

  constructor(opts: VmdrDataOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.detectionsPerHost = opts.detectionsPerHost ?? 5;
    this.baseMs = Date.parse(opts.baseTime ?? '2024-03-01T00:00:00Z');
    this.now = opts.now ?? (() => new Date());
    for (let i = 0; i < (opts.hosts ?? 3); i++) this.hosts.push(this.makeHost(i, this.detectionsPerHost));
  }

  totalDetections(): number {
    return this.hosts.reduce((n, h) => n + (h.detections?.length ?? h.detectionCount), 0);
  }

  /** Host by id (hosts are sorted by id). */
  host(id: string): SimHost | undefined {
    const h = this.hosts[this.firstHostAtOrAbove(Number(id))];
    return h?.ID === id ? h : this.hosts.find((x) => x.ID === id);
  }

  /**
   * Index of the first host whose id is >= `id` (hosts.length if none). Hosts are made
   * and added in ascending id order, so a page starting at `id_min` is found without
   * walking (and generating detections for) every host before it.
   */
  firstHostAtOrAbove(id: number): number {
    let lo = 0;
    let hi = this.hosts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Number(this.hosts[mid]!.ID) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  detectionsOf(host: SimHost): SimDetection[] {
    if (host.detections) return host.detections;
    const out: SimDetection[] = [];
    for (let i = 0; i < host.detectionCount; i++) out.push(this.makeDetection(host, i));
    return out;
  }

  *allDetections(): Generator<[SimHost, SimDetection]> {
    for (const host of this.hosts) for (const d of this.detectionsOf(host)) yield [host, d];
  }

  /** `n` open detections become Fixed. */
  fixSome(n: number): SimChange[] {
    return this.mutate(n, (d) => d.STATUS !== 'Fixed', (d, now) => {
      d.STATUS = 'Fixed';
      d.LAST_FIXED_DATETIME = now;
    });
  }

  /** One Fixed detection comes back as Re-Opened. */
  reopenOne(): SimChange[] {
    return this.mutate(1, (d) => d.STATUS === 'Fixed', (d, now) => {
      d.STATUS = 'Re-Opened';
      d.FIRST_REOPENED_DATETIME ??= now;
      d.LAST_REOPENED_DATETIME = now;
      d.TIMES_REOPENED = (d.TIMES_REOPENED ?? 0) + 1;
      d.LAST_FOUND_DATETIME = now;
    });
  }

  /** `n` open detections get a different QDS (crossing a priority band). */
  moveQds(n: number): SimChange[] {
    return this.mutate(n, (d) => d.STATUS !== 'Fixed', (d) => {
      d.QDS = d.QDS >= 50 ? d.QDS - 40 : d.QDS + 45;
    });
  }

  /** One open, not yet ignored detection is marked ignored in Qualys. */
  ignoreOne(): SimChange[] {
    return this.mutate(1, (d) => d.STATUS !== 'Fixed' && d.IS_IGNORED === '0', (d) => {
      d.IS_IGNORED = '1';
    });
  }

  /** A newly scanned host with `detections` New detections. */
  addHost(detections = this.detectionsPerHost): SimHost {
    const host = this.makeHost(this.hosts.length, detections);
    const now = qualysTime(this.now().getTime());
    host.LAST_SCAN_DATETIME = now;
    host.LAST_VM_SCANNED_DATE = now;
    host.detections = this.detectionsOf(host).map((d) => ({
      ...d,
      STATUS: 'New',
      TIMES_FOUND: 1,
      FIRST_FOUND_DATETIME: now,
      LAST_FOUND_DATETIME: now,
      LAST_TEST_DATETIME: now,
      LAST_UPDATE_DATETIME: now,
      LAST_PROCESSED_DATETIME: now,
      LAST_FIXED_DATETIME: undefined,
      IS_IGNORED: '0',
    }));
    this.hosts.push(host);
    return host;
  }

  /** The QIDs the simulated KnowledgeBase knows, inclusive. */
  kbQidRange(): [number, number] {
    return [QID_BASE, QID_BASE + QID_SPACE - 1];
  }

  /** KnowledgeBase entry of a QID (deterministic), unless listed in `kbMissing`. */
  kb(qidText: string): SimKbEntry | undefined {
    const qid = Number(qidText);
    if (!Number.isInteger(qid) || qid < QID_BASE || qid >= QID_BASE + QID_SPACE || this.kbMissing.has(qidText)) return undefined;
    const rnd = mulberry32(mix(this.seed, qid, 99));
    const severity = intBetween(rnd, 1, 5);
    const cves = Array.from({ length: intBetween(rnd, 0, 3) }, () => `CVE-${intBetween(rnd, 2015, 2024)}-${intBetween(rnd, 1000, 49999)}`);
    const base = (severity * 2 - rnd()).toFixed(1);
    const port = qidPort(qid);
    return {
      QID: qidText,
      VULN_TYPE: 'Vulnerability',
      SEVERITY_LEVEL: String(severity),
      TITLE: `Simulated ${pick(rnd, CATEGORIES)} vulnerability ${qid} <"${port ? `port ${port[0]}` : 'host'}" & more>`,
      CATEGORY: pick(rnd, CATEGORIES),
      LAST_SERVICE_MODIFICATION_DATETIME: qualysTime(this.baseMs - intBetween(rnd, 1, 300) * DAY),
      PUBLISHED_DATETIME: qualysTime(this.baseMs - intBetween(rnd, 300, 3000) * DAY),
      PATCHABLE: rnd() < 0.7 ? '1' : '0',
      CVES: cves,
      DIAGNOSIS: `<P>QID ${qid} was detected.<BR>The installed version is affected &amp; exploitable.</P><P>See <A HREF="https://example.com/qid/${qid}" TARGET="_blank">advisory ${qid}</A>.</P>`,
      CONSEQUENCE: 'Successful exploitation allows a remote attacker to execute code.',
      SOLUTION: `Apply the vendor patch.<BR>Refer to <A HREF="https://example.com/fix/${qid}">fix ${qid}</A> for details.`,
      CVSS_BASE: base,
      CVSS_TEMPORAL: (Number(base) * 0.9).toFixed(1),
      CVSS_V3_BASE: (Number(base) + 0.5).toFixed(1),
      CVSS_V3_TEMPORAL: (Number(base) * 0.95).toFixed(1),
      CVSS_V3_ATTACK_VECTOR: port ? 'Network' : 'Local',
      PCI_FLAG: severity >= 4 ? '1' : '0',
      THREAT_INTEL: severity >= 4 ? [['5', 'Easy_Exploit'], ['8', 'No_Patch']] : [],
    };
  }

  private makeHost(index: number, detectionCount: number): SimHost {
    const rnd = mulberry32(mix(this.seed, index, 1));
    const name = `host-${index}`;
    const scanned = this.baseMs - intBetween(rnd, 1, 72) * 3_600_000;
    const tags = TAGS.filter(() => rnd() < 0.4);
    return {
      index,
      // Ids with gaps, ascending with index: id_min paging must use real ids.
      ID: String(FIRST_HOST_ID + index * 7),
      ASSET_ID: String(20_000_000 + index),
      IP: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`,
      TRACKING_METHOD: rnd() < 0.5 ? 'IP' : 'QAGENT',
      OS: pick(rnd, OSES),
      DNS: `${name}.corp.example`,
      HOSTNAME: name,
      DOMAIN: 'corp.example',
      NETBIOS: name.toUpperCase(),
      LAST_SCAN_DATETIME: qualysTime(scanned),
      LAST_VM_SCANNED_DATE: qualysTime(scanned - 60_000),
      LAST_VM_SCANNED_DURATION: String(intBetween(rnd, 60, 2000)),
      TAGS: tags.length ? tags : [TAGS[index % TAGS.length]!],
      TRURISK_SCORE: String(intBetween(rnd, 0, 1000)),
      ASSET_CRITICALITY_SCORE: String(intBetween(rnd, 1, 5)),
      ASSET_RISK_SCORE: String(intBetween(rnd, 0, 1000)),
      detectionCount,
    };
  }

  private makeDetection(host: SimHost, i: number): SimDetection {
    const rnd = mulberry32(mix(this.seed, host.index, i, 2));
    const qid = QID_BASE + ((mix(this.seed, host.index) + i * QID_STEP) % QID_SPACE);
    const severity = intBetween(rnd, 1, 5);
    const roll = rnd();
    const status: SimStatus = roll < 0.6 ? 'Active' : roll < 0.8 ? 'New' : roll < 0.95 ? 'Fixed' : 'Re-Opened';
    const first = this.baseMs - intBetween(rnd, 30, 900) * DAY;
    const last = this.baseMs - intBetween(rnd, 1, 29) * DAY;
    const port = qidPort(qid);
    const d: SimDetection = {
      UNIQUE_VULN_ID: String(5_000_000_000 + host.index * 100_000 + i),
      QID: String(qid),
      TYPE: rnd() < 0.85 ? 'Confirmed' : 'Potential',
      SEVERITY: String(severity),
      ...(port ? { PORT: port[0], PROTOCOL: port[1] } : {}),
      SSL: port?.[0] === '443' || port?.[0] === '8443' ? '1' : '0',
      RESULTS: `Package\tInstalled Version\tRequired Version\npkg-${qid} <${i}> & co\t1.${i}.0\t1.${i + 1}.0`,
      STATUS: status,
      FIRST_FOUND_DATETIME: qualysTime(first),
      LAST_FOUND_DATETIME: qualysTime(last),
      QDS: qdsFromSeverity(rnd, severity),
      QDS_FACTORS: [
        [FACTORS[0]!, (severity * 2 - rnd()).toFixed(1)],
        [FACTORS[1]!, 'v3.x'],
        [FACTORS[2]!, rnd().toFixed(5)],
      ],
      TIMES_FOUND: intBetween(rnd, 1, 500),
      LAST_TEST_DATETIME: qualysTime(last),
      LAST_UPDATE_DATETIME: qualysTime(last),
      IS_IGNORED: rnd() < 0.03 ? '1' : '0',
      IS_DISABLED: '0',
      LAST_PROCESSED_DATETIME: qualysTime(last),
    };
    if (status === 'Fixed') d.LAST_FIXED_DATETIME = qualysTime(last);
    if (status === 'Re-Opened') {
      d.FIRST_REOPENED_DATETIME = qualysTime(last);
      d.LAST_REOPENED_DATETIME = qualysTime(last);
      d.TIMES_REOPENED = 1;
    }
    return d;
  }

  /**
   * Applies `change` to up to `n` detections matching `want`, starting at a host that
   * moves with every call (so repeated calls touch different hosts), and stamps
   * LAST_UPDATE/LAST_PROCESSED with `now()` so incremental pulls see them.
   */
  private mutate(n: number, want: (d: SimDetection) => boolean, change: (d: SimDetection, now: string) => void): SimChange[] {
    const changes: SimChange[] = [];
    if (this.hosts.length === 0 || n <= 0) return changes;
    const now = qualysTime(this.now().getTime());
    const start = mix(this.seed, ++this.mutations) % this.hosts.length;
    for (let k = 0; k < this.hosts.length && changes.length < n; k++) {
      const host = this.hosts[(start + k) % this.hosts.length]!;
      const dets = this.detectionsOf(host);
      let touched = false;
      for (const d of dets) {
        if (changes.length >= n) break;
        if (!want(d)) continue;
        change(d, now);
        d.LAST_UPDATE_DATETIME = now;
        d.LAST_PROCESSED_DATETIME = now;
        touched = true;
        changes.push({ hostId: host.ID, qid: d.QID, port: d.PORT ?? '', protocol: d.PROTOCOL ?? '' });
      }
      if (touched) host.detections = dets;
    }
    return changes;
  }
}

export function generateVmdrData(opts: VmdrDataOptions = {}): QualysSimData {
  return new QualysSimData(opts);
}
