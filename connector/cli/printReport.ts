import { COUNT_COLUMNS } from '../pipeline/cycleCounts.js';
import type { PlanStep } from '../pipeline/planStep.js';
import type { CycleReport } from '../pipeline/runCycle.js';

/** Fixed-width table: the few lines this needs do not justify a table dependency. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function reportTable(reports: readonly CycleReport[]): string {
  const headers = ['job', 'result', ...COUNT_COLUMNS];
  const rows = reports.map((r) => [r.job, r.dryRun ? `${r.result} (dry run)` : r.result, ...COUNT_COLUMNS.map((c) => String(r.counts[c]))]);
  const out = [table(headers, rows)];
  for (const r of reports) {
    if (r.error) out.push(`\n${r.job}: ${r.error}`);
    out.push(`\n${r.job} tickets (JQL): ${r.jql}\n  ${r.searchUrl}`);
  }
  return out.join('\n');
}

export function describeStep(s: PlanStep): string {
  switch (s.op) {
    case 'create':
      return `create ${s.role.padEnd(6)} [${s.issueType}] ${s.priority ? `(${s.priority}) ` : ''}${s.summary}  {${s.primaryKey}}`;
    case 'adopt':
      return `adopt  ${s.role.padEnd(6)} ${s.key} {${s.primaryKey}} (found by its label; not created again)`;
    case 'update':
      return `update ${s.role.padEnd(6)} ${s.key} fields: ${s.fields.join(', ')}`;
    case 'comment':
      return `comment ${s.role.padEnd(5)} ${s.key} (re-detected)`;
    case 'transition':
      return `move   ${s.role.padEnd(6)} ${s.key} -> ${s.to} (${s.reason})`;
    case 'link':
      return `link   child  ${s.childKey} to ${s.parentKey} {${s.primaryKey}}`;
    case 'unlink':
      return `unlink child  ${s.childKey} from ${s.parentKey} {${s.primaryKey}}`;
    case 'record':
      return `note   ${s.role.padEnd(6)} ${s.key}: ${s.note}`;
    case 'fail':
      return `FAILED ${s.role.padEnd(6)} {${s.primaryKey}}: ${s.error}`;
    case 'route':
      return `route  ${s.findingKey} -> ${s.rule ? `rule "${s.rule}": ${s.actions.join(', ')}` : 'no rule matched: no action'}`;
    case 'alert':
      return `${s.action.padEnd(6)} alert  [${s.severity}] ${s.summary}  {${s.dedupKey}} via ${s.lane}`;
  }
}
