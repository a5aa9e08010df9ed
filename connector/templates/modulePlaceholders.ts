/**
 * The placeholders of each Qualys module (and Xray), so a typo such as `${VULN.TITEL}`
 * is reported when the template loads instead of rendering as an empty string in
 * thousands of tickets. The vocabularies themselves are in moduleVocabularies.ts.
 */
import { editDistance } from './editDistance.js';
import { isModuleName, MODULE_NAMES, type ModuleName } from './moduleNames.js';
import { MODULE_VOCABULARIES } from './moduleVocabularies.js';
import type { PlaceholderInfo } from './placeholderInfo.js';

/** The module names live in moduleNames.ts (the vocabularies use them too); re-exported here. */
export { isModuleName, MODULE_NAMES, type ModuleName };

/** The vocabulary entry a dotted placeholder path resolves to, or undefined when unknown. */
export function lookupPlaceholder(module: ModuleName, path: string): PlaceholderInfo | undefined {
  const vocab = MODULE_VOCABULARIES[module];
  const [head = '', second, ...rest] = path.split('.');
  const namespace = Object.prototype.hasOwnProperty.call(vocab.namespaces, head) ? vocab.namespaces[head] : undefined;
  if (namespace) {
    if (second === undefined || !Object.prototype.hasOwnProperty.call(namespace, second)) return undefined;
    const info = namespace[second];
    return info && (rest.length === 0 || info.nested) ? info : undefined;
  }
  const info = Object.prototype.hasOwnProperty.call(vocab.names, head) ? vocab.names[head] : undefined;
  return info && (second === undefined || info.nested) ? info : undefined;
}

export function isKnownPlaceholder(module: ModuleName, path: string): boolean {
  return lookupPlaceholder(module, path) !== undefined;
}

/** Every placeholder a module knows, spelled as in a template (`ID`, `VULN.TITLE`, `vuln.qid`). */
export function placeholderNames(module: ModuleName): string[] {
  const vocab = MODULE_VOCABULARIES[module];
  const out = Object.keys(vocab.names);
  for (const [ns, entries] of Object.entries(vocab.namespaces)) out.push(...Object.keys(entries).map((k) => `${ns}.${k}`));
  return out;
}

/** A likely intended name for an unknown placeholder (case slip or small typo), if any. */
export function suggestPlaceholder(module: ModuleName, path: string): string | undefined {
  const names = placeholderNames(module);
  const lower = path.toLowerCase();
  const sameCase = names.find((n) => n.toLowerCase() === lower);
  if (sameCase) return sameCase;
  // A sub-path of a nested element with a slip in the root (`qds.content`): compare the
  // root only and keep the sub-path.
  const [root = '', ...rest] = path.split('.');
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const subPath = rest.length > 0 && !name.includes('.') && lookupPlaceholder(module, name)?.nested === true;
    const candidate = subPath ? `${name}.${rest.join('.')}` : name;
    const d = editDistance(name.toLowerCase(), (subPath ? root : path).toLowerCase());
    if (d <= 2 && (!best || d < best.distance)) best = { name: candidate, distance: d };
  }
  return best?.name;
}
