import { TemplateError } from '../errors.js';

/**
 * One problem in a template file, pointing at the JSON path and, when the file was
 * parsed here, its line (the nearest enclosing path's line for keys that are missing).
 */
export function templateProblem(
  file: string,
  path: string,
  message: string,
  opts: { hint?: string; lines?: Readonly<Record<string, number>> } = {},
): TemplateError {
  return new TemplateError('TEMPLATE_INVALID', message, { file, path, hint: opts.hint, line: lineOf(path, opts.lines) });
}

function lineOf(path: string, lines: Readonly<Record<string, number>> | undefined): number | undefined {
  if (!lines) return undefined;
  let p = path;
  for (;;) {
    const line = Object.prototype.hasOwnProperty.call(lines, p) ? lines[p] : undefined;
    if (line !== undefined) return line;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return undefined;
    p = p.slice(0, cut);
  }
}

/** "a, b, c, … and 40 more" so a hint stays one readable line. */
export function abbreviateList(items: readonly string[], max = 15): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')}, … and ${items.length - max} more`;
}
