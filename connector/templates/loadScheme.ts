import { readFileSync } from 'node:fs';
import { TemplateError } from '../errors.js';
import { JsonSyntaxError, parseJsonLocated, type LocatedJson } from './parseJsonLocated.js';
import { schemeFileSchema } from './schemeSchema.js';
import { templateProblem } from './templateProblem.js';
import { toTicketScheme } from './toTicketScheme.js';
import type { TicketScheme } from './types.js';
import { collectSchemeProblems, schemeProblemList } from './validateScheme.js';
import { zodProblems } from './zodProblems.js';

/** Read, parse and validate a ticketing-scheme file (the Qualys connector's JSON format). */
export function loadScheme(file: string): TicketScheme {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TemplateError('TEMPLATE_INVALID', code === 'ENOENT' ? 'template file not found' : `cannot read template file (${code ?? 'error'})`, {
      file,
      hint: 'check the job\'s `template` path in the configuration (relative paths start at the working directory)',
      cause: err,
    });
  }
  return parseScheme(text, file);
}

/**
 * Parse and validate scheme text. Bad JSON throws one TemplateError with line:column;
 * otherwise every problem found (shape, then meaning) is collected into one ProblemList
 * with code TEMPLATE_INVALID, each naming the file, JSON path and line.
 */
export function parseScheme(text: string, file: string): TicketScheme {
  let json: LocatedJson;
  try {
    json = parseJsonLocated(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const { line, column } = err.location;
    throw new TemplateError('TEMPLATE_INVALID', `invalid JSON at ${line}:${column}: ${err.message}`, {
      file,
      line,
      hint: 'fix the JSON syntax at that spot (an editor with the $schema set shows it too)',
    });
  }
  const problems: TemplateError[] = json.duplicateKeys.map((d) =>
    templateProblem(file, d.path, 'duplicate key: JSON keeps only the last one', { lines: { [d.path]: d.line } }),
  );
  const parsed = schemeFileSchema.safeParse(json.value);
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error.issues, json.value, file, json.lines));
    throw schemeProblemList(file, problems);
  }
  const { scheme, problems: converted } = toTicketScheme(parsed.data, file, json.lines);
  problems.push(...converted, ...collectSchemeProblems(scheme));
  if (problems.length) throw schemeProblemList(file, problems);
  return scheme;
}
