import type { PriorityCriterion, PriorityRule } from './types.js';

type RangeCriterion = Extract<PriorityCriterion, { min: number }>;

const RANGE = /^(-?\d+)\s*-\s*(-?\d+)$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(?:\d+\.\d*|\.\d+)$/;
const NUMERIC_VALUE = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Matches the priorityMapping sentinel of the Qualys templates (WAS/CS parents): leave priority unset. */
export function isJiraDefault(matchWith: string): boolean {
  return matchWith.trim().toLowerCase() === 'jira default';
}

/**
 * A criteria value: an inclusive integer range "lo-hi" (Qualys: "90-100"), an exact
 * integer (Qualys WAS/CS: 5) or an exact text. Returns a message when it is none of them.
 */
export function parseCriterion(priority: string, raw: number | string): PriorityCriterion | string {
  if (typeof raw === 'number') {
    return Number.isInteger(raw) ? { priority, min: raw, max: raw } : `${raw} is not an integer (use a range such as "7-8")`;
  }
  const text = raw.trim();
  if (text === '') return 'is empty (use a range "lo-hi", an integer or a text)';
  const range = RANGE.exec(text);
  if (range) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    return min <= max ? { priority, min, max } : `range "${text}" runs backwards (low ${min} > high ${max})`;
  }
  if (INTEGER.test(text)) return { priority, min: Number(text), max: Number(text) };
  if (DECIMAL.test(text)) return `"${text}" is not an integer (ranges are whole numbers; a decimal value matches the lower band)`;
  return { priority, equals: text };
}

function isRange(c: PriorityCriterion): c is RangeCriterion {
  return 'min' in c;
}

function show(c: RangeCriterion): string {
  return c.min === c.max ? `${c.priority} (${c.min})` : `${c.priority} (${c.min}-${c.max})`;
}

export interface CriteriaProblem {
  priority: string;
  message: string;
  hint: string;
}

/** Overlaps and gaps between numeric bands; duplicate texts. Bands must tile: next.min == prev.max + 1. */
export function criteriaProblems(criteria: readonly PriorityCriterion[]): CriteriaProblem[] {
  const problems: CriteriaProblem[] = [];
  const bands = sortedBands(criteria);
  for (let i = 1; i < bands.length; i++) {
    const prev = bands[i - 1] as RangeCriterion;
    const next = bands[i] as RangeCriterion;
    if (next.min <= prev.max) {
      const lo = next.min;
      const hi = Math.min(prev.max, next.max);
      problems.push({
        priority: next.priority,
        message: `priority ranges overlap: ${show(prev)} and ${show(next)} both match ${lo === hi ? lo : `${lo}-${hi}`}`,
        hint: 'each value must pick one priority: start each range one above the end of the previous one',
      });
    } else if (next.min !== prev.max + 1) {
      const lo = prev.max + 1;
      const hi = next.min - 1;
      problems.push({
        priority: next.priority,
        message: `priority ranges leave a gap: ${lo === hi ? lo : `${lo}-${hi}`} matches no priority between ${show(prev)} and ${show(next)}`,
        hint: `ranges must be contiguous: start ${next.priority} at ${prev.max + 1}`,
      });
    }
  }
  const seen = new Map<string, string>();
  for (const c of criteria) {
    if (isRange(c)) continue;
    const key = c.equals.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      problems.push({ priority: c.priority, message: `${other} and ${c.priority} both match "${c.equals}"`, hint: 'each value must pick one priority' });
    } else seen.set(key, c.priority);
  }
  return problems;
}

function sortedBands(criteria: readonly PriorityCriterion[]): RangeCriterion[] {
  return criteria.filter(isRange).sort((a, b) => a.min - b.min || a.max - b.max);
}

/**
 * The priority for a rendered matchWith value, or undefined (Jira default). Texts match
 * case-insensitively; numbers fall in the band whose range holds them, a decimal between
 * one band's high and the next band's low (89.5 between 70-89 and 90-100) in the lower band.
 */
export function matchPriority(rule: PriorityRule, value: string): string | undefined {
  if (rule.jiraDefault) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const { texts, bands } = matcherOf(rule.criteria);
  const exact = texts.get(text.toLowerCase());
  if (exact !== undefined) return exact;
  if (!NUMERIC_VALUE.test(text)) return undefined;
  const v = Number(text);
  for (let i = 0; i < bands.length; i++) {
    const band = bands[i] as RangeCriterion;
    const next = bands[i + 1];
    const upperOk = next && next.min === band.max + 1 ? v < next.min : v <= band.max;
    if (v >= band.min && upperOk) return band.priority;
  }
  return undefined;
}

interface Matcher {
  /** Lower-cased text → priority; the first criterion wins, as `find` would. */
  texts: Map<string, string>;
  bands: RangeCriterion[];
}

/**
 * The criteria sorted and indexed once per rule: matchPriority runs for every rendered
 * ticket and used to filter, sort and lower-case them each time. Keyed by the criteria
 * array of the loaded scheme; the length guards a list grown after its first use.
 */
const matchers = new WeakMap<readonly PriorityCriterion[], Matcher & { size: number }>();

function matcherOf(criteria: readonly PriorityCriterion[]): Matcher {
  const hit = matchers.get(criteria);
  if (hit && hit.size === criteria.length) return hit;
  const texts = new Map<string, string>();
  for (const c of criteria) {
    if (isRange(c)) continue;
    const key = c.equals.toLowerCase();
    if (!texts.has(key)) texts.set(key, c.priority);
  }
  const m = { texts, bands: sortedBands(criteria), size: criteria.length };
  matchers.set(criteria, m);
  return m;
}
