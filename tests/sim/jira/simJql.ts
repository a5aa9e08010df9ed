/**
 * The subset of JQL the simulator understands: `field = value`, `field != value`,
 * `field in (...)`, `field not in (...)` joined by AND, then an optional ORDER BY.
 * Fields: project, labels, key/issuekey, issuetype, status. Anything else is a 400, as
 * real Jira answers unparseable JQL.
 */
export interface JqlClause {
  field: 'project' | 'labels' | 'key' | 'issuetype' | 'status';
  negate: boolean;
  values: string[];
}
export interface JqlQuery {
  clauses: JqlClause[];
  orderBy: Array<{ field: string; desc: boolean }>;
}

export class JqlError extends Error {}

type Token = { kind: 'word' | 'string' | 'punct'; text: string; pos: number };

const FIELDS: Record<string, JqlClause['field']> = { project: 'project', labels: 'labels', key: 'key', issuekey: 'key', issuetype: 'issuetype', status: 'status' };

export function parseJql(text: string): JqlQuery {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (!t) throw new JqlError(`Error in the JQL Query: Expecting more input at the end of the query.`);
    return t;
  };
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.text.toLowerCase() === w;
  const clauses: JqlClause[] = [];
  while (i < tokens.length && !isWord(peek(), 'order')) {
    if (clauses.length) {
      const t = next();
      if (!isWord(t, 'and')) throw new JqlError(`Error in the JQL Query: Expecting 'AND' but got '${t.text}'. (line 1, character ${t.pos + 1})`);
    }
    const f = next();
    const field = f.kind !== 'punct' ? FIELDS[f.text.toLowerCase()] : undefined;
    if (!field) throw new JqlError(`Field '${f.text}' does not exist or you do not have permission to view it.`);
    let op = next();
    let negate = false;
    if (isWord(op, 'not')) {
      negate = true;
      op = next();
      if (!isWord(op, 'in')) throw new JqlError(`Error in the JQL Query: Expecting 'in' but got '${op.text}'. (line 1, character ${op.pos + 1})`);
    }
    if (op.kind === 'punct' && (op.text === '=' || op.text === '!=')) {
      clauses.push({ field, negate: op.text === '!=', values: [value(next())] });
    } else if (isWord(op, 'in')) {
      const open = next();
      if (open.text !== '(') throw new JqlError(`Error in the JQL Query: Expecting '(' but got '${open.text}'. (line 1, character ${open.pos + 1})`);
      const values: string[] = [];
      for (;;) {
        values.push(value(next()));
        const sep = next();
        if (sep.text === ')') break;
        if (sep.text !== ',') throw new JqlError(`Error in the JQL Query: Expecting ',' or ')' but got '${sep.text}'. (line 1, character ${sep.pos + 1})`);
      }
      clauses.push({ field, negate, values });
    } else {
      throw new JqlError(`Error in the JQL Query: The operator '${op.text}' is not supported by the simulator. (line 1, character ${op.pos + 1})`);
    }
  }
  const orderBy: JqlQuery['orderBy'] = [];
  if (isWord(peek(), 'order')) {
    next();
    if (!isWord(next(), 'by')) throw new JqlError("Error in the JQL Query: Expecting 'by' after 'order'.");
    for (;;) {
      const f = next();
      const dir = peek();
      let desc = false;
      if (isWord(dir, 'asc') || isWord(dir, 'desc')) {
        desc = isWord(dir, 'desc');
        i++;
      }
      orderBy.push({ field: f.text.toLowerCase(), desc });
      if (peek()?.text !== ',') break;
      i++;
    }
  }
  if (i < tokens.length) throw new JqlError(`Error in the JQL Query: Unexpected '${tokens[i].text}'. (line 1, character ${tokens[i].pos + 1})`);
  return { clauses, orderBy };
}

function value(t: Token): string {
  if (t.kind === 'punct') throw new JqlError(`Error in the JQL Query: Expecting a value but got '${t.text}'. (line 1, character ${t.pos + 1})`);
  // Unquoted reserved words must be quoted in JQL.
  if (t.kind === 'word' && ['and', 'or', 'not', 'in', 'order', 'by', 'empty', 'null'].includes(t.text.toLowerCase())) {
    throw new JqlError(`Error in the JQL Query: '${t.text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character ${t.pos + 1})`);
  }
  return t.text;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
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
    } else if (c === '!' && text[i + 1] === '=') {
      out.push({ kind: 'punct', text: '!=', pos: i });
      i += 2;
    } else if ('(),='.includes(c)) {
      out.push({ kind: 'punct', text: c, pos: i++ });
    } else if (/[A-Za-z0-9_.\-]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_.\-]/.test(text[i])) i++;
      out.push({ kind: 'word', text: text.slice(start, i), pos: start });
    } else {
      throw new JqlError(`Error in the JQL Query: The character '${c}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}' instead. (line 1, character ${i + 1})`);
    }
  }
  return out;
}
