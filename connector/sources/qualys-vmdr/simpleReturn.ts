import { arrayOf, objectOf, parseOrgJson, textOf, type OrgJsonObject } from './orgJson.js';

export interface SimpleReturn {
  code?: string;
  text: string;
  /** `ITEM_LIST/ITEM` KEY → VALUE, e.g. `SECONDS_TO_WAIT`, `CALLS_TO_FINISH`. */
  items: Record<string, string>;
}

/**
 * Qualys reports errors as `SIMPLE_RETURN/RESPONSE/(DATETIME, CODE?, TEXT, ITEM_LIST?)`,
 * with a 4xx status or sometimes a 200 (docs.qualys.com/en/vm/qweb-all-api/appendix/appendix_d.htm;
 * 409 samples in reference/samples/qualys/). Returns undefined when the body is not one.
 */
export function parseSimpleReturn(xml: string): SimpleReturn | undefined {
  let parsed: { rootName: string; value: OrgJsonObject };
  try {
    parsed = parseOrgJson(xml);
  } catch {
    return undefined;
  }
  if (parsed.rootName !== 'SIMPLE_RETURN') return undefined;
  return simpleReturnFrom(parsed.value);
}

/** From an already parsed `SIMPLE_RETURN` element. */
export function simpleReturnFrom(root: OrgJsonObject): SimpleReturn {
  const response = objectOf(root.RESPONSE) ?? {};
  const items: Record<string, string> = {};
  for (const item of arrayOf(objectOf(response.ITEM_LIST)?.ITEM)) {
    const o = objectOf(item);
    if (o) items[textOf(o.KEY)] = textOf(o.VALUE);
  }
  const code = textOf(response.CODE);
  return { code: code || undefined, text: textOf(response.TEXT), items };
}

export function describeSimpleReturn(r: SimpleReturn): string {
  return r.code ? `CODE ${r.code}: ${r.text}` : r.text;
}
