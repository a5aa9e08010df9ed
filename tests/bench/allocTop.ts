/**
 * node --import tsx tests/bench/allocTop.ts <file.heapprofile> [--top N]
 *
 * Summarises a sampling heap profile written with VB_BENCH_ALLOC=1 (profileCycle.ts): the
 * bytes allocated by each function itself (function + file:line:column), top N, and
 * their share of all sampled allocation.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// Piped into `head`: stop quietly when the reader has had enough.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' } } });
const file = positionals[0];
if (!file) throw new Error('usage: allocTop.ts <file.heapprofile> [--top N]');
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
const self = new Map<string, number>();
let total = 0;
const stack: HeapNode[] = [head];
while (stack.length) {
  const n = stack.pop() as HeapNode;
  stack.push(...n.children);
  if (n.selfSize === 0) continue;
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  const k = `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}` : ''}`.trim();
  self.set(k, (self.get(k) ?? 0) + n.selfSize);
  total += n.selfSize;
}
const mb = (b: number) => (b / 1024 / 1024).toFixed(0).padStart(7);
process.stdout.write(`total ${mb(total)} MB sampled\n`);
for (const [k, b] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  process.stdout.write(`${mb(b)} MB ${((b / total) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
}
