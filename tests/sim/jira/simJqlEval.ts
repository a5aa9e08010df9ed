import type { SimField } from './simData.js';
import { allClauses, JqlError, requiredClauses, type JqlClause, type JqlFieldRef, type JqlNode, type JqlQuery, type JqlValue } from './simJql.js';
import type { SimIssue, SimStore } from './simStore.js';

/**
 * A parsed JQL query bound to the store: each field resolved (system fields, custom fields
 * by name or `cf[id]`), each value checked and typed (dates with `now()`, `startOfMonth()`
 * and relative dates against the simulator's clock), as real Jira checks a query before it
 * runs it. Anything it does not know is a JqlError (a 400).
 */
export interface CompiledJql {
  test(issue: SimIssue): boolean;
  compare(a: SimIssue, b: SimIssue): number;
  /** Where the search starts: the issues a required `labels` or `key` clause names (from the indexes), else every issue. */
  candidates(): Iterable<SimIssue>;
}

type Kind = 'set' | 'labels' | 'date' | 'number' | 'text' | 'priority';
interface Bound {
  kind: Kind;
  name: string;
  /** set/labels/priority: the values (lower case unless labels); date/number: a number; text: the text. */
  get(i: SimIssue): string[] | number | string | undefined;
  /** A query value to the form `get` answers (throws JqlError for an unknown one). */
  value?(text: string): string | undefined;
  /** Sort key (empty sorts last ascending, as Jira does). */
  sort?(i: SimIssue): string | number | undefined;
  /** Or a comparison of its own (key: project, then number). */
  order?(a: SimIssue, b: SimIssue): number;
}

const DAY = 86_400_000;
const UNIT_MS: Record<string, number> = { w: 7 * DAY, d: DAY, h: 3_600_000, m: 60_000 };
const CATEGORY: Record<string, string> = { 'to do': 'new', new: 'new', '2': 'new', 'in progress': 'indeterminate', indeterminate: 'indeterminate', '4': 'indeterminate', done: 'done', complete: 'done', '3': 'done' };

export function compileJql(store: SimStore, q: JqlQuery, now: Date): CompiledJql {
  const lc = (s: string) => s.toLowerCase();
  const unknownValue = (v: string, f: string) => new JqlError(`The value '${v}' does not exist for the field '${f}'.`);
  const isoTime = (s: unknown) => (typeof s === 'string' ? Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : undefined);
  const priorities = store.data.priorities;

  const system = (name: string): Bound | undefined => {
    switch (lc(name)) {
      case 'project':
        return { kind: 'set', name: 'project', get: (i) => [lc(i.projectKey)], value: (v) => {
          const p = store.project(v);
          if (!p) throw unknownValue(v, 'project');
          return lc(p.key);
        } };
      case 'key':
      case 'issuekey':
        return { kind: 'set', name: 'key', get: (i) => [lc(i.key)], order: (a, b) => (a.projectKey < b.projectKey ? -1 : a.projectKey > b.projectKey ? 1 : keyNumber(a) - keyNumber(b)) };
      case 'issuetype':
      case 'type':
        return { kind: 'set', name: 'issuetype', get: (i) => [lc(store.issueTypeById(i.issueTypeId).name)] };
      case 'status':
        return { kind: 'set', name: 'status', get: (i) => [lc(i.status)] };
      case 'statuscategory':
        return { kind: 'set', name: 'statusCategory', get: (i) => [store.status(i.status).category], value: (v) => {
          const c = CATEGORY[lc(v)];
          if (!c) throw unknownValue(v, 'statusCategory');
          return c;
        } };
      case 'priority':
        return { kind: 'priority', name: 'priority', get: (i) => {
          const p = (i.fields.priority as { name?: string } | undefined)?.name;
          return p ? [lc(p)] : [];
        }, value: (v) => {
          const p = priorities.find((x) => lc(x.name) === lc(v) || x.id === v);
          if (!p) throw unknownValue(v, 'priority');
          return lc(p.name);
        }, sort: (i) => rankOf((i.fields.priority as { name?: string } | undefined)?.name) };
      case 'resolution':
        return { kind: 'set', name: 'resolution', get: (i) => (i.resolution ? [lc(i.resolution)] : []), value: (v) => {
          if (lc(v) === 'unresolved') return undefined;
          const r = store.data.resolutions.find((x) => lc(x.name) === lc(v) || x.id === v);
          if (!r) throw unknownValue(v, 'resolution');
          return lc(r.name);
        } };
      case 'labels':
        return { kind: 'labels', name: 'labels', get: (i) => (i.fields.labels as string[] | undefined) ?? [] };
      // The store keeps these as toISOString() text: sorting compares the text (a million-issue search sorts fast).
      case 'created':
      case 'createddate':
        return { ...dateField('created', (i) => i.created), sort: (i) => i.created };
      case 'updated':
      case 'updateddate':
        return { ...dateField('updated', (i) => i.updated), sort: (i) => i.updated };
      case 'resolved':
      case 'resolutiondate':
        return { ...dateField('resolved', (i) => i.resolved ?? undefined), sort: (i) => i.resolved ?? undefined };
      case 'due':
      case 'duedate':
        return dateField('duedate', (i) => i.fields.duedate);
      case 'summary':
        return { kind: 'text', name: 'summary', get: (i) => i.fields.summary as string | undefined };
      default:
        return undefined;
    }
  };
  const rankOf = (name: string | undefined) => {
    const at = priorities.findIndex((p) => lc(p.name) === lc(name ?? ''));
    return at < 0 ? undefined : priorities.length - at;
  };
  const dateField = (name: string, raw: (i: SimIssue) => unknown): Bound => ({ kind: 'date', name, get: (i) => isoTime(raw(i)) });

  const custom = (f: SimField): Bound => {
    const kind = (f.schema?.custom ?? '').split(':').pop();
    const raw = (i: SimIssue) => i.fields[f.id];
    switch (kind) {
      case 'float':
        return { kind: 'number', name: f.name, get: (i) => (typeof raw(i) === 'number' ? (raw(i) as number) : undefined) };
      case 'datetime':
      case 'datepicker':
        return dateField(f.name, raw);
      case 'labels':
        return { kind: 'labels', name: f.name, get: (i) => (raw(i) as string[] | undefined) ?? [] };
      case 'select':
      case 'radiobuttons':
      case 'multiselect':
      case 'multicheckboxes': {
        const options = f.options?.map(lc);
        const valuesOf = (i: SimIssue) => {
          const v = raw(i);
          return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((o) => lc(String((o as { value?: unknown }).value ?? '')));
        };
        return { kind: 'set', name: f.name, get: valuesOf, value: (v) => {
          if (options && !options.includes(lc(v))) throw new JqlError(`The option '${v}' for field '${f.name}' does not exist.`);
          return lc(v);
        }, sort: (i) => {
          const first = valuesOf(i)[0];
          return first === undefined ? undefined : options ? options.indexOf(first) : first;
        } };
      }
      default:
        return { kind: 'text', name: f.name, get: (i) => (typeof raw(i) === 'string' ? (raw(i) as string) : raw(i) === undefined ? undefined : JSON.stringify(raw(i))) };
    }
  };

  /** The fields a reference names: Jira searches every custom field of that name. */
  const bind = (ref: JqlFieldRef): Bound[] => {
    if (ref.customFieldId) {
      const f = store.field(ref.customFieldId);
      if (f?.custom) return [custom(f)];
    } else {
      const s = system(ref.name);
      if (s) return [s];
      const named = store.data.fields.filter((f) => f.custom && lc(f.name) === lc(ref.name));
      if (named.length) return named.map(custom);
    }
    throw new JqlError(`Field '${ref.name}' does not exist or you do not have permission to view it.`);
  };

  const dateValue = (v: JqlValue, field: string): number | undefined => {
    if (v.kind === 'empty') return undefined;
    if (v.kind === 'func') return dateFunction(v.name, v.args, now);
    const rel = /^([+-]?)(\d+)([yMwdhm])$/.exec(v.text);
    if (rel) {
      const n = Number(rel[2]) * (rel[1] === '-' ? -1 : 1);
      if (rel[3] === 'y' || rel[3] === 'M') return shift(now, rel[3], n).getTime();
      return now.getTime() + n * UNIT_MS[rel[3]];
    }
    const abs = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(v.text);
    if (abs) return Date.UTC(Number(abs[1]), Number(abs[2]) - 1, Number(abs[3]), Number(abs[4] ?? 0), Number(abs[5] ?? 0));
    throw new JqlError(`Date value '${v.text}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`);
  };

  const OPS: Record<Kind, string[]> = {
    set: ['=', '!=', 'in', 'not in', 'is', 'is not'],
    labels: ['=', '!=', 'in', 'not in', 'is', 'is not'],
    priority: ['=', '!=', 'in', 'not in', 'is', 'is not', '<', '<=', '>', '>='],
    date: ['=', '!=', 'in', 'not in', 'is', 'is not', '<', '<=', '>', '>='],
    number: ['=', '!=', 'in', 'not in', 'is', 'is not', '<', '<=', '>', '>='],
    text: ['~', '!~', 'is', 'is not'],
  };

  const clauseTest = (c: JqlClause, b: Bound): ((i: SimIssue) => boolean) => {
    if (!OPS[b.kind].includes(c.op)) throw new JqlError(`The operator '${c.op}' is not supported by the '${c.field.name}' field.`);
    const positive = c.op === '=' || c.op === 'in' || c.op === 'is' || c.op === '~';
    const isEmpty = (x: unknown) => x === undefined || (Array.isArray(x) && x.length === 0) || x === '';
    if (c.op === 'is' || c.op === 'is not') return (i) => isEmpty(b.get(i)) === (c.op === 'is');
    for (const v of c.values) if (v.kind === 'func' && b.kind !== 'date') throw new JqlError(`Unable to find JQL function '${v.name}()'.`);
    const wantsEmpty = c.values.some((v) => v.kind === 'empty');
    if (b.kind === 'text') {
      const needle = c.values[0].kind === 'text' ? lc(c.values[0].text) : '';
      const has = (i: SimIssue) => lc(String(b.get(i))).includes(needle);
      return positive ? (i) => !isEmpty(b.get(i)) && has(i) : (i) => !isEmpty(b.get(i)) && !has(i);
    }
    if (b.kind === 'date' || b.kind === 'number') {
      const values = c.values.filter((v) => v.kind !== 'empty').map((v) => (b.kind === 'date' ? (dateValue(v, b.name) as number) : numberValue(v, b.name)));
      const cmp = comparison(c.op, values[0]);
      return (i) => {
        const x = b.get(i) as number | undefined;
        if (x === undefined) return positive && wantsEmpty;
        if (cmp) return cmp(x);
        return values.includes(x) === positive;
      };
    }
    if (b.kind === 'priority' && ['<', '<=', '>', '>='].includes(c.op)) {
      const v = c.values[0];
      const rank = rankOf(b.value?.(v.kind === 'text' ? v.text : '') ?? '') as number;
      const cmp = comparison(c.op, rank) as (x: number) => boolean;
      return (i) => {
        const r = b.sort?.(i) as number | undefined;
        return r !== undefined && cmp(r);
      };
    }
    const wanted = new Set<string>();
    let emptyToo = wantsEmpty;
    for (const v of c.values) {
      if (v.kind !== 'text') continue;
      const resolved = b.value ? b.value(v.text) : b.kind === 'labels' ? v.text : lc(v.text);
      if (resolved === undefined) emptyToo = true;
      else wanted.add(resolved);
    }
    return (i) => {
      const xs = b.get(i) as string[];
      if (xs.length === 0) return positive && emptyToo;
      return xs.some((x) => wanted.has(x)) === positive;
    };
  };

  const compile = (n: JqlNode): ((i: SimIssue) => boolean) => {
    if (n.kind === 'not') {
      const inner = compile(n.item);
      return (i) => !inner(i);
    }
    if (n.kind !== 'clause') {
      const items = n.items.map(compile);
      return n.kind === 'and' ? (i) => items.every((t) => t(i)) : (i) => items.some((t) => t(i));
    }
    const tests = bind(n.field).map((b) => clauseTest(n, b));
    return tests.length === 1 ? tests[0] : (i) => tests.some((t) => t(i));
  };

  const test = q.where ? compile(q.where) : () => true;
  const compare = comparator(q, bind);
  return {
    test,
    compare,
    candidates: () => {
      const required = requiredClauses(q).filter((c) => c.op === '=' || c.op === 'in');
      const labels = required.find((c) => lc(c.field.name) === 'labels' && !c.field.customFieldId);
      const texts = (c: JqlClause) => c.values.flatMap((v) => (v.kind === 'text' ? [v.text] : []));
      if (labels && !labels.values.some((v) => v.kind === 'empty')) return store.issuesWithLabels(texts(labels));
      const keys = required.find((c) => ['key', 'issuekey'].includes(lc(c.field.name)));
      if (keys) return [...new Set(texts(keys).map((k) => store.issues.get(k.toUpperCase())).filter((i): i is SimIssue => i !== undefined))];
      return store.issues.values();
    },
  };
}

/** Keys named by `key = X` / `key in (...)` anywhere in the query (Jira refuses a key that does not exist). */
export function namedKeys(q: JqlQuery): string[] {
  return allClauses(q.where)
    .filter((c) => ['key', 'issuekey'].includes(c.field.name.toLowerCase()) && (c.op === '=' || c.op === 'in'))
    .flatMap((c) => c.values.flatMap((v) => (v.kind === 'text' ? [v.text] : [])));
}

function comparator(q: JqlQuery, bind: (ref: JqlFieldRef) => Bound[]): (a: SimIssue, b: SimIssue) => number {
  const order = q.orderBy.length ? q.orderBy : [{ field: { name: 'created' }, desc: true }];
  const keys = order.map((o) => {
    const b = bind(o.field)[0];
    const sortOf = b.sort ?? ((i: SimIssue) => {
      const v = b.get(i);
      return Array.isArray(v) ? (v.length ? [...v].sort()[0] : undefined) : v;
    });
    return { sortOf, order: b.order, desc: o.desc };
  });
  // Ties go by issue id in the last term's direction: `created DESC` is newest first even within a millisecond.
  const lastDesc = order[order.length - 1].desc;
  return (a, b) => {
    for (const k of keys) {
      if (k.order) {
        const d = k.order(a, b);
        if (d) return k.desc ? -d : d;
        continue;
      }
      const x = k.sortOf(a);
      const y = k.sortOf(b);
      if (x === y) continue;
      // Empty sorts after every value ascending, before every value descending.
      const d = x === undefined ? 1 : y === undefined ? -1 : x < y ? -1 : 1;
      return k.desc ? -d : d;
    }
    const d = Number(a.id) - Number(b.id);
    return lastDesc ? -d : d;
  };
}

function keyNumber(i: SimIssue): number {
  return Number(i.key.slice(i.key.lastIndexOf('-') + 1));
}

function numberValue(v: JqlValue, field: string): number {
  const n = v.kind === 'text' ? Number(v.text) : NaN;
  if (!Number.isFinite(n)) throw new JqlError(`The value '${v.kind === 'text' ? v.text : v.kind}' for field '${field}' is invalid.`);
  return n;
}

function comparison(op: string, v: number): ((x: number) => boolean) | undefined {
  switch (op) {
    case '<':
      return (x) => x < v;
    case '<=':
      return (x) => x <= v;
    case '>':
      return (x) => x > v;
    case '>=':
      return (x) => x >= v;
    default:
      return undefined;
  }
}

function shift(d: Date, unit: 'y' | 'M', n: number): Date {
  const out = new Date(d.getTime());
  if (unit === 'y') out.setUTCFullYear(out.getUTCFullYear() + n);
  else out.setUTCMonth(out.getUTCMonth() + n);
  return out;
}

/** now(), startOf/endOf Day, Week, Month, Year with an optional increment (`-1`, `+2w`), in UTC. */
function dateFunction(name: string, args: string[], now: Date): number {
  const fn = name.toLowerCase();
  if (fn === 'now' && args.length === 0) return now.getTime();
  const m = /^(start|end)of(day|week|month|year)$/.exec(fn);
  if (!m || args.length > 1) throw new JqlError(`Unable to find JQL function '${name}(${args.join(', ')})'.`);
  const base = { day: 'd', week: 'w', month: 'M', year: 'y' }[m[2] as 'day' | 'week' | 'month' | 'year'];
  const inc = args.length ? /^([+-]?)(\d+)([yMwdhm])?$/.exec(args[0]) : null;
  if (args.length && !inc) throw new JqlError(`Unable to find JQL function '${name}(${args.join(', ')})'.`);
  let d = new Date(now.getTime());
  if (inc) {
    const n = Number(inc[2]) * (inc[1] === '-' ? -1 : 1);
    const unit = inc[3] ?? base;
    d = unit === 'y' || unit === 'M' ? shift(d, unit, n) : new Date(d.getTime() + n * UNIT_MS[unit]);
  }
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  const day = d.getUTCDate();
  let start: number;
  let end: number;
  switch (m[2]) {
    case 'day':
      start = Date.UTC(y, mo, day);
      end = start + DAY - 1;
      break;
    case 'week':
      // Weeks start on Sunday (Jira's default locale).
      start = Date.UTC(y, mo, day - d.getUTCDay());
      end = start + 7 * DAY - 1;
      break;
    case 'month':
      start = Date.UTC(y, mo, 1);
      end = Date.UTC(y, mo + 1, 1) - 1;
      break;
    default:
      start = Date.UTC(y, 0, 1);
      end = Date.UTC(y + 1, 0, 1) - 1;
  }
  return m[1] === 'start' ? start : end;
}
