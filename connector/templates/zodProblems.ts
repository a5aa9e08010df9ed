import type { z } from 'zod';
import type { TemplateError } from '../errors.js';
import { formatJsonPath, valueAt, type JsonPathSegment } from './jsonPath.js';
import { templateProblem } from './templateProblem.js';

type Issue = z.core.$ZodIssue;

/**
 * Shape problems in operator terms: the JSON path, what is wrong and what is allowed.
 * Union mismatches (payload: one ticket or parent/relatedTicket; priorityMapping: one
 * rule or per role) are reported against the branch the file evidently meant, decided
 * by whether it has a `parent`/`relatedTicket` key, instead of zod's "Invalid input".
 */
export function zodProblems(
  issues: readonly Issue[],
  root: unknown,
  file: string,
  lines: Readonly<Record<string, number>>,
): TemplateError[] {
  const out: TemplateError[] = [];
  const add = (segs: JsonPathSegment[], message: string, hint?: string): void => {
    out.push(templateProblem(file, formatJsonPath(segs), message, { hint, lines }));
  };
  const visit = (issue: Issue, base: JsonPathSegment[]): void => {
    const path = [...base, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
    const value = valueAt(root, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) add([...path, key], `unknown key "${key}"`, issue.message);
        return;
      case 'invalid_type':
        if (value === undefined) add(path, `required key "${String(path[path.length - 1])}" is missing (expected ${issue.expected})`);
        else add(path, `expected ${issue.expected}, got ${typeOf(value)}`);
        return;
      case 'too_small':
        add(path, issue.origin === 'string' ? 'must not be empty' : issue.message);
        return;
      case 'invalid_union': {
        const branches = issue.errors;
        if (branches.length === 0) {
          add(path, issue.message);
          return;
        }
        // All branches failed on the value's type itself (criteria: number | string).
        const typeOnly = branches.every((b) => b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0);
        if (typeOnly) {
          const expected = new Set(branches.map((b) => (b[0]?.code === 'invalid_type' ? b[0].expected : '?')));
          add(path, `expected ${[...expected].join(' or ')}, got ${typeOf(value)}`);
          return;
        }
        const linked = isObject(value) && ('parent' in value || 'relatedTicket' in value);
        // Branch 0 is the parent/relatedTicket form in every union of schemeSchema.ts.
        const chosen = branches[linked ? 0 : Math.min(1, branches.length - 1)] ?? [];
        for (const sub of chosen) visit(sub, path);
        return;
      }
      default:
        add(path, issue.message);
    }
  };
  for (const issue of issues) visit(issue, []);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `text "${v.length > 30 ? `${v.slice(0, 30)}…` : v}"`;
  return `${typeof v} ${String(v)}`;
}
