import { intBetween, mix, mulberry32, pick } from '../qualys/prng.js';

/** One vulnerability as the CS /vuln?type=DETAILS answer lists it (qualys.md §4; qualysdk vulnerability.py). */
export interface CsSimVuln {
  qid: number;
  title: string;
  result: string;
  severity: number;
  customerSeverity: number;
  qdsScore: number;
  port: number | null;
  status: string;
  risk: number;
  category: string;
  typeDetected: string;
  scanType: string[];
  discoveryType: string[];
  authType: string[];
  supportedBy: string[];
  patchAvailable: boolean;
  published: string;
  firstFound: string;
  lastFound: string;
  cveids: string[];
  cvssInfo: { baseScore: string; temporalScore: string; accessVector: string };
  cvss3Info: { baseScore: string; temporalScore: string };
  software: Array<{ name: string; version: string; fixVersion: string }>;
  diagnosis: string;
  consequence: string;
  solution: string;
  impact: string;
}

export interface CsSimHost {
  sensorUuid: string;
  hostname: string;
  ipAddress: string;
  uuid: string;
  lastUpdated: string;
}

export interface CsSimImage {
  sha: string;
  imageId: string;
  uuid: string;
  repo: Array<{ registry: string; repository: string; tag: string }>;
  repoDigests: string[];
  size: number;
  created: string;
  updated: string;
  lastScanned: string;
  operatingSystem: string;
  dockerVersion: string;
  author: string;
  scanTypes: string[];
  source: string[];
  isDockerHubOfficial: boolean;
  associatedContainersCount: number;
  associatedHostsCount: number;
  host: CsSimHost[];
  vulnerabilities: Record<string, number>;
}

export interface CsSimContainer {
  sha: string;
  containerId: string;
  uuid: string;
  name: string;
  imageId: string;
  imageSha: string;
  state: string;
  stateChanged: string;
  command: string;
  arguments: string[];
  privileged: boolean;
  isDrift: boolean;
  isRoot: boolean;
  operatingSystem: string;
  created: string;
  updated: string;
  lastScanned: string;
  host: CsSimHost;
  cluster: { k8s: { pod: { name: string; namespace: string } } } | null;
  scanTypes: string[];
}

export interface CsSimData {
  images: CsSimImage[];
  containers: CsSimContainer[];
  /** Vulnerabilities per object sha. */
  vulns: Map<string, CsSimVuln[]>;
}

export interface CsDataOptions {
  images?: number;
  /** Containers per image (round-robin states). */
  containersPerImage?: number;
  vulnsPerObject?: number;
  seed?: number;
}

export const CONTAINER_STATES = ['RUNNING', 'STOPPED', 'CREATED', 'PAUSED', 'DELETED', 'UNKNOWN'] as const;

/** 2024-05-30T00:35:01Z as the API writes dates: epoch milliseconds in a string. */
export const BASE_EPOCH_MS = 1_717_029_301_000;
const epoch = (offsetMs: number): string => String(BASE_EPOCH_MS + offsetMs);

const hex = (rnd: () => number, n: number): string => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');

const PACKAGES = ['openssl', 'glibc', 'zlib', 'curl', 'libxml2', 'busybox', 'log4j-core', 'expat'];
const REGISTRIES = ['docker.io', 'registry.acme.example', 'ghcr.io'];
const REPOSITORIES = ['library/nginx', 'acme/payments', 'acme/web', 'library/redis', 'acme/worker'];

/** One vulnerability, reproducible from (object index, vuln index, seed). */
export function simVuln(rnd: () => number, qid: number, withPort: boolean): CsSimVuln {
  const pkg = pick(rnd, PACKAGES);
  const severity = intBetween(rnd, 1, 5);
  const version = `${intBetween(rnd, 1, 3)}.${intBetween(rnd, 0, 9)}.${intBetween(rnd, 0, 20)}`;
  const cve = `CVE-20${intBetween(rnd, 18, 24)}-${1000 + intBetween(rnd, 0, 39999)}`;
  return {
    qid,
    title: `${pkg} vulnerability (${cve})`,
    result: `${pkg} ${version} installed; fixed in ${version}-1`,
    severity,
    customerSeverity: severity,
    qdsScore: intBetween(rnd, 10, 100),
    port: withPort ? pick(rnd, [80, 443, 8080, 6379]) : null,
    status: 'ACTIVE',
    risk: intBetween(rnd, 10, 100),
    category: pick(rnd, ['Local', 'Security Policy', 'Debian', 'Alpine']),
    typeDetected: 'CONFIRMED',
    scanType: ['DYNAMIC'],
    discoveryType: ['AUTHENTICATED'],
    authType: ['UNIX_AUTH'],
    supportedBy: ['VM', 'CS'],
    patchAvailable: rnd() < 0.7,
    published: epoch(-intBetween(rnd, 1, 900) * 86_400_000),
    firstFound: epoch(-intBetween(rnd, 1, 60) * 86_400_000),
    lastFound: epoch(0),
    cveids: [cve],
    cvssInfo: { baseScore: (severity * 1.9).toFixed(1), temporalScore: (severity * 1.6).toFixed(1), accessVector: 'Network' },
    cvss3Info: { baseScore: (severity * 1.95).toFixed(1), temporalScore: (severity * 1.7).toFixed(1) },
    software: [{ name: pkg, version, fixVersion: `${version}-1` }],
    diagnosis: `${pkg} before ${version}-1 mishandles input.`,
    consequence: 'A remote attacker could execute code.',
    solution: `Update ${pkg} to ${version}-1 or later.`,
    impact: 'Confidentiality, integrity and availability.',
  };
}

/** A deterministic data set: images with repos/tags, containers in every state, vulnerabilities. */
export function generateCsData(opts: CsDataOptions = {}): CsSimData {
  const seed = opts.seed ?? 1;
  const imageCount = opts.images ?? 5;
  const perImage = opts.containersPerImage ?? 2;
  const vulnsPer = opts.vulnsPerObject ?? 3;
  const data: CsSimData = { images: [], containers: [], vulns: new Map() };
  let containerNo = 0;
  for (let i = 0; i < imageCount; i++) {
    const rnd = mulberry32(mix(seed, 1, i));
    const sha = hex(rnd, 64);
    const repository = REPOSITORIES[i % REPOSITORIES.length] as string;
    const registry = REGISTRIES[i % REGISTRIES.length] as string;
    const hosts: CsSimHost[] = Array.from({ length: 2 }, (_, h) => ({
      sensorUuid: `sensor-${i}-${h}`,
      hostname: `node-${i}-${h}.acme.example`,
      ipAddress: `10.0.${i}.${h + 10}`,
      uuid: `host-${i}-${h}`,
      lastUpdated: epoch(-h * 3_600_000),
    }));
    const image: CsSimImage = {
      sha,
      imageId: sha.slice(0, 12),
      uuid: `img-uuid-${i}`,
      repo: [
        { registry, repository, tag: 'latest' },
        { registry, repository, tag: `1.${i}.0` },
        ...(i % 2 === 0 ? [{ registry: 'mirror.acme.example', repository: `${repository}-mirror`, tag: 'latest' }] : []),
      ],
      repoDigests: [`${registry}/${repository}@sha256:${hex(rnd, 64)}`],
      size: intBetween(rnd, 5, 900) * 1_048_576,
      created: epoch(-30 * 86_400_000 - i * 1000),
      updated: epoch(-i * 1000),
      lastScanned: epoch(-i * 60_000),
      operatingSystem: pick(rnd, ['Alpine Linux 3.19.1', 'Debian GNU/Linux 12', 'Ubuntu 22.04']),
      dockerVersion: '24.0.7',
      author: 'acme platform team',
      scanTypes: ['DYNAMIC', 'STATIC'],
      source: ['GENERAL'],
      isDockerHubOfficial: registry === 'docker.io',
      associatedContainersCount: perImage,
      associatedHostsCount: hosts.length,
      host: hosts,
      vulnerabilities: {},
    };
    const vulns = Array.from({ length: vulnsPer }, (_, v) => simVuln(mulberry32(mix(seed, 2, i, v)), 370_000 + i * 100 + v, v % 2 === 0));
    data.images.push(image);
    data.vulns.set(sha, vulns);
    for (let c = 0; c < perImage; c++, containerNo++) {
      const crnd = mulberry32(mix(seed, 3, i, c));
      const csha = hex(crnd, 64);
      const host = hosts[c % hosts.length] as CsSimHost;
      const container: CsSimContainer = {
        sha: csha,
        containerId: csha.slice(0, 12),
        uuid: `ctr-uuid-${containerNo}`,
        name: `${repository.split('/').pop() ?? 'app'}-${c}`,
        imageId: image.imageId,
        imageSha: sha,
        state: CONTAINER_STATES[containerNo % CONTAINER_STATES.length] as string,
        stateChanged: epoch(-c * 3_600_000),
        command: '/docker-entrypoint.sh',
        arguments: ['nginx', '-g', 'daemon off;'],
        privileged: containerNo % 3 === 0,
        isDrift: containerNo % 4 === 1,
        isRoot: true,
        operatingSystem: image.operatingSystem,
        created: epoch(-2 * 86_400_000),
        updated: epoch(-c * 1000),
        lastScanned: epoch(-c * 60_000),
        host,
        cluster: c % 2 === 0 ? { k8s: { pod: { name: `pod-${containerNo}`, namespace: 'prod' } } } : null,
        scanTypes: ['DYNAMIC'],
      };
      data.containers.push(container);
      data.vulns.set(csha, vulns.slice(0, Math.max(1, vulns.length - c)).map((v) => ({ ...v })));
    }
  }
  return data;
}
