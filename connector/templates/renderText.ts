import type { TemplateContext } from '../model/finding.js';
import { parseTemplate } from './parseTemplate.js';
import { resolvePath, stringifyValue } from './stringifyValue.js';
import type { RichText } from './types.js';

/**
 * Render a template string, keeping the template's own text (`value: false`, trusted)
 * apart from substituted scanner values (`value: true`, escaped later by the wiki/ADF
 * formatter). Missing values render as ''. Adjacent segments of one kind are merged and
 * empty ones dropped, so formatters see a minimal list.
 */
export function renderRich(template: string, ctx: TemplateContext): RichText {
  const out: RichText = [];
  for (const part of parseTemplate(template).parts) {
    const text = part.kind === 'text' ? part.text : stringifyValue(resolvePath(ctx, part.path));
    const value = part.kind === 'placeholder';
    if (text === '') continue;
    const last = out[out.length - 1];
    if (last && last.value === value) last.text += text;
    else out.push({ text, value });
  }
  return out;
}

/** Template and values as one plain string (no escaping). */
export function renderPlain(template: string, ctx: TemplateContext): string {
  return renderRich(template, ctx)
    .map((s) => s.text)
    .join('');
}

/** True when the template has placeholders and every one of them rendered empty. */
export function allPlaceholdersEmpty(template: string, ctx: TemplateContext): boolean {
  const { placeholders } = parseTemplate(template);
  return placeholders.length > 0 && placeholders.every((p) => stringifyValue(resolvePath(ctx, p)) === '');
}
