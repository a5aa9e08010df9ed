/**
 * The simulator's JQL parser: clauses `field op value` joined by AND / OR, NOT and
 * parentheses, then an optional ORDER BY of several fields. Operators: = != < <= > >= ~ !~
 * in, not in, is, is not; values: words, quoted strings, EMPTY / NULL, functions (`now()`,
 * `startOfMonth(-1)`); fields by name (quoted when they have spaces: `"CVSS Score"`) or by
 * custom field id (`cf[10001]`). The parser knows the grammar only: which fields, operators,
 * functions and values exist is checked against the store by simJqlEval.ts, and anything
 * wrong is a JqlError (a 400 with Jira's wording), as real Jira answers bad JQL.
 */
export type JqlOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~' | 'in' | 'not in' | 'is' | 'is not';

export type JqlValue = { kind: 'text'; text: string } | { kind: 'empty' } | { kind: 'func'; name: string; args: string[] };

export interface JqlFieldRef {
  /** As written (quotes removed); `cf[10001]` for a custom field id. */
  name: string;
  /** `cf[N]`: the custom field id `customfield_N`. */
  customFieldId?: string;
}

export interface JqlClause {
  kind: 'clause';
  field: JqlFieldRef;
  op: JqlOp;
  values: JqlValue[];
}
export type JqlNode = JqlClause | { kind: 'and' | 'or'; items: JqlNode[] } | { kind: 'not'; item: JqlNode };

export interface JqlQuery {
  /** Undefined for an empty query (only an ORDER BY, or nothing). */
  where?: JqlNode;
  orderBy: Array<{ field: JqlFieldRef; desc: boolean }>;
}

export class JqlError extends Error {}

type Token = { kind: 'word' | 'string' | 'punct'; text: string; pos: number };

const RESERVED = ['and', 'or', 'not', 'in', 'is', 'order', 'by', 'empty', 'null'];
const at = (t: Token) => `(line 1, character ${t.pos + 1})`;

export function parseJql(text: string): JqlQuery {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (n = 0) => tokens[i + n];
  const next = () => {
    const t = tokens[i++];
    if (!t) throw new JqlError('Error in the JQL Query: Expecting more input at the end of the query.');
    return t;
  };
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.text.toLowerCase() === w;
  const expect = (text: string) => {
    const t = next();
    if (t.text !== text) throw new JqlError(`Error in the JQL Query: Expecting '${text}' but got '${t.text}'. ${at(t)}`);
  };

  const fieldRef = (): JqlFieldRef => {
    const f = next();
    if (f.kind === 'punct') throw new JqlError(`Error in the JQL Query: Expecting a field name but got '${f.text}'. ${at(f)}`);
    if (f.kind === 'word' && f.text.toLowerCase() === 'cf' && peek()?.text === '[') {
      i++;
      const id = next();
      if (!/^\d+$/.test(id.text)) throw new JqlError(`Error in the JQL Query: Expecting a custom field id but got '${id.text}'. ${at(id)}`);
      expect(']');
      return { name: `cf[${id.text}]`, customFieldId: `customfield_${id.text}` };
    }
    if (f.kind === 'word' && RESERVED.includes(f.text.toLowerCase())) {
      throw new JqlError(`Error in the JQL Query: '${f.text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query. ${at(f)}`);
    }
    return { name: f.text };
  };

  const value = (): JqlValue => {
    const t = next();
    if (t.kind === 'punct') throw new JqlError(`Error in the JQL Query: Expecting a value but got '${t.text}'. ${at(t)}`);
    if (t.kind === 'word' && (isWord(t, 'empty') || isWord(t, 'null'))) return { kind: 'empty' };
    if (t.kind === 'word' && peek()?.text === '(') {
      i++;
      const args: string[] = [];
      if (peek()?.text === ')') i++;
      else {
        for (;;) {
          const a = next();
          if (a.kind === 'punct') throw new JqlError(`Error in the JQL Query: Expecting an argument but got '${a.text}'. ${at(a)}`);
          args.push(a.text);
          const sep = next();
          if (sep.text === ')') break;
          if (sep.text !== ',') throw new JqlError(`Error in the JQL Query: Expecting ',' or ')' but got '${sep.text}'. ${at(sep)}`);
        }
      }
      return { kind: 'func', name: t.text, args };
    }
    // Unquoted reserved words must be quoted in JQL.
    if (t.kind === 'word' && RESERVED.includes(t.text.toLowerCase())) {
      throw new JqlError(`Error in the JQL Query: '${t.text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query. ${at(t)}`);
    }
    return { kind: 'text', text: t.text };
  };

  const clause = (): JqlClause => {
    const field = fieldRef();
    const o = next();
    let op: JqlOp;
    if (isWord(o, 'not')) {
      const n = next();
      if (!isWord(n, 'in')) throw new JqlError(`Error in the JQL Query: Expecting 'in' but got '${n.text}'. ${at(n)}`);
      op = 'not in';
    } else if (isWord(o, 'in')) op = 'in';
    else if (isWord(o, 'is')) {
      if (isWord(peek(), 'not')) {
        i++;
        op = 'is not';
      } else op = 'is';
    } else if (o.kind === 'punct' && ['=', '!=', '<', '<=', '>', '>=', '~', '!~'].includes(o.text)) op = o.text as JqlOp;
    else throw new JqlError(`Error in the JQL Query: Expecting operator but got '${o.text}'. ${at(o)}`);
    if (op === 'in' || op === 'not in') {
      expect('(');
      const values: JqlValue[] = [];
      for (;;) {
        values.push(value());
        const sep = next();
        if (sep.text === ')') break;
        if (sep.text !== ',') throw new JqlError(`Error in the JQL Query: Expecting ',' or ')' but got '${sep.text}'. ${at(sep)}`);
      }
      return { kind: 'clause', field, op, values };
    }
    const v = value();
    if ((op === 'is' || op === 'is not') && v.kind !== 'empty') {
      throw new JqlError(`Error in the JQL Query: The operator '${op.toUpperCase()}' can only be used with EMPTY or NULL.`);
    }
    return { kind: 'clause', field, op, values: [v] };
  };

  // or := and (OR and)*; and := unary (AND unary)*; unary := NOT unary | '(' or ')' | clause
  const unary = (): JqlNode => {
    if (isWord(peek(), 'not') || peek()?.text === '!') {
      i++;
      return { kind: 'not', item: unary() };
    }
    if (peek()?.text === '(') {
      i++;
      const inner = or();
      expect(')');
      return inner;
    }
    return clause();
  };
  const chain = (kind: 'and' | 'or', item: () => JqlNode): JqlNode => {
    const items = [item()];
    while (isWord(peek(), kind)) {
      i++;
      items.push(item());
    }
    return items.length === 1 ? items[0] : { kind, items };
  };
  const and = () => chain('and', unary);
  const or = (): JqlNode => chain('or', and);

  let where: JqlNode | undefined;
  if (i < tokens.length && !isWord(peek(), 'order')) where = or();
  const orderBy: JqlQuery['orderBy'] = [];
  if (isWord(peek(), 'order')) {
    next();
    if (!isWord(next(), 'by')) throw new JqlError("Error in the JQL Query: Expecting 'by' after 'order'.");
    for (;;) {
      const field = fieldRef();
      let desc = false;
      if (isWord(peek(), 'asc') || isWord(peek(), 'desc')) desc = isWord(next(), 'desc');
      orderBy.push({ field, desc });
      if (peek()?.text !== ',') break;
      i++;
    }
  }
  if (i < tokens.length) {
    const t = tokens[i];
    const want = where && !isWord(t, 'and') && !isWord(t, 'or') ? "Expecting either 'OR' or 'AND' but got" : 'Unexpected';
    throw new JqlError(`Error in the JQL Query: ${want} '${t.text}'. ${at(t)}`);
  }
  return { where, orderBy };
}

/** The clauses every match must satisfy: the root clause, or the clauses directly under a root AND. */
export function requiredClauses(q: JqlQuery): JqlClause[] {
  if (!q.where) return [];
  if (q.where.kind === 'clause') return [q.where];
  if (q.where.kind === 'and') return q.where.items.filter((n): n is JqlClause => n.kind === 'clause');
  return [];
}

/** Every clause of the query, wherever it stands. */
export function allClauses(node: JqlNode | undefined): JqlClause[] {
  if (!node) return [];
  if (node.kind === 'clause') return [node];
  if (node.kind === 'not') return allClauses(node.item);
  return node.items.flatMap(allClauses);
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const two = text.slice(i, i + 2);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const start = i++;
      let s = '';
      for (;;) {
        if (i >= text.length) throw new JqlError(`Error in the JQL Query: Missing closing quote. (line 1, character ${start + 1})`);
        const d = text[i++];
        if (d === c) break;
        if (d !== '\\') {
          s += d;
          continue;
        }
        const e = text[i++];
        if (e === 'n') s += '\n';
        else if (e === 't') s += '\t';
        else if (e === 'r') s += '\r';
        else if (e === 'u') {
          s += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
          i += 4;
        } else if (e === '"' || e === "'" || e === '\\' || e === ' ') s += e;
        else throw new JqlError(`Error in the JQL Query: '\\${e}' is an illegal JQL escape sequence. (line 1, character ${i})`);
      }
      out.push({ kind: 'string', text: s, pos: start });
    } else if (['!=', '<=', '>=', '!~'].includes(two)) {
      out.push({ kind: 'punct', text: two, pos: i });
      i += 2;
    } else if ('(),=<>~[]!'.includes(c)) {
      out.push({ kind: 'punct', text: c, pos: i++ });
    } else if (/[A-Za-z0-9_.\-+]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_.\-+]/.test(text[i])) i++;
      out.push({ kind: 'word', text: text.slice(start, i), pos: start });
    } else {
      throw new JqlError(`Error in the JQL Query: The character '${c}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}' instead. (line 1, character ${i + 1})`);
    }
  }
  return out;
}
