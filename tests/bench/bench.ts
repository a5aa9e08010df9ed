/**
 * npm run bench -- [--only qualys|xray|incidents|wascs|bulk] [--detections N] [--per-host M] [--violations N]
 *                  [--watches W] [--webhooks K] [--findings N] [--events-per-minute M]
 *                  [--was-findings N] [--cs-images N] [--closes N] [--sla-tickets M] [--json]
 *
 * Figures, not a test. Each part runs in its own process (so each peak RSS is its own)
 * as the daemon's image runs node: compiled (`npm run bench` runs tsc first), with the
 * 256 MB heap cap and MALLOC_ARENA_MAX=2. Not under tsx: node runs its module hooks in a
 * thread of their own that adds about 45 MB to the process's RSS, which the daemon does
 * not have. Parts: qualysBench.ts (VMDR detections), xrayBench.ts
 * (Xray violations and webhook latency), incidentBench.ts (the outbox to PagerDuty) and
 * wasCsBench.ts (Qualys WAS findings, CS images and containers) and bulkBench.ts (Jira calls
 * for mass closes and SLA labels, with and without Jira Cloud bulk operations). Options are
 * passed to the part that knows them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    detections: { type: 'string' },
    'per-host': { type: 'string' },
    template: { type: 'string' },
    violations: { type: 'string' },
    watches: { type: 'string' },
    webhooks: { type: 'string' },
    findings: { type: 'string' },
    'events-per-minute': { type: 'string' },
    'was-findings': { type: 'string' },
    'cs-images': { type: 'string' },
    closes: { type: 'string' },
    'sla-tickets': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const parts: Array<{ name: string; script: string; options: string[] }> = [
  { name: 'qualys', script: 'tests/bench/qualysBench.ts', options: ['detections', 'per-host', 'template'] },
  { name: 'xray', script: 'tests/bench/xrayBench.ts', options: ['violations', 'watches', 'webhooks'] },
  { name: 'incidents', script: 'tests/bench/incidentBench.ts', options: ['findings', 'events-per-minute'] },
  { name: 'wascs', script: 'tests/bench/wasCsBench.ts', options: ['was-findings', 'cs-images'] },
  { name: 'bulk', script: 'tests/bench/bulkBench.ts', options: ['closes', 'sla-tickets'] },
];
let failed = false;
for (const part of parts) {
  if (values.only && values.only !== part.name) continue;
  const args = part.options.flatMap((o) => {
    const v = values[o as keyof typeof values];
    return typeof v === 'string' ? [`--${o}`, v] : [];
  });
  if (values.json) args.push('--json');
  if (!values.json) process.stdout.write(`\n== ${part.name}\n`);
  const compiled = path.join('dist', part.script.replace(/\.ts$/, '.js'));
  // MALLOC_ARENA_MAX as the daemon's image sets it (Dockerfile), unless set here.
  const env = { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' };
  // The heap settings of the image's NODE_OPTIONS and `npm start`.
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', '--max-semi-space-size=8', compiled, ...args], { stdio: 'inherit', env });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
