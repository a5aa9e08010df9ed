/**
 * node --import tsx tests/bench/profileTop.ts <file.cpuprofile> [--top N] [--match REGEX] [--callees NAME]
 *
 * Summarises a V8 CPU profile (e.g. one written with VB_BENCH_PROFILE, see
 * qualysBench.ts): the top N functions by self time (function + file:line), then the
 * inclusive time of the functions whose file matches REGEX (default: the connector's own
 * files), each counted once per sample however deep its recursion. Positions are those
 * of the code V8 ran (tsx's output), so line:column tells apart anonymous functions.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// Piped into `head`: stop quietly when the reader has had enough.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '40' }, match: { type: 'string', default: '/connector/' }, callees: { type: 'string' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: profileTop.ts <file.cpuprofile> [--top N] [--match REGEX]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const top = Number(values.top);
const match = new RegExp(values.match);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}` : ''}`.trim();
};

// Each sample's time is the delta to the next one (V8's timeDeltas[i] precedes sample i).
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
// --callees NAME: where the time under the outermost frame labelled `NAME ...` goes, by its direct callee.
const callees = new Map<string, number>();
const calleesOf = values.callees;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  total += dt;
  const leaf = byId.get(profile.samples[i]);
  if (!leaf) continue;
  const l = label(leaf);
  self.set(l, (self.get(l) ?? 0) + dt);
  const seen = new Set<string>();
  let below: ProfileNode | undefined;
  let under: string | undefined;
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const n = byId.get(id);
    if (n && calleesOf && label(n).startsWith(`${calleesOf} `)) under = below ? label(below) : '(self)';
    below = n;
    if (!n || !match.test(n.callFrame.url)) continue;
    const k = label(n);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
  if (under !== undefined) callees.set(under, (callees.get(under) ?? 0) + dt);
}
const line = ([k, ms]: [string, number]) => `${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`;
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
process.stdout.write(`total ${total.toFixed(0)} ms sampled\n\n-- self time, top ${top}\n${sorted(self).map(line).join('\n')}\n`);
if (calleesOf) process.stdout.write(`\n-- under ${calleesOf}, by direct callee\n${sorted(callees).map(line).join('\n')}\n`);
process.stdout.write(`\n-- inclusive time, files matching ${match}, top ${top}\n${sorted(inclusive).map(line).join('\n')}\n`);
