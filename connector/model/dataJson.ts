import type { TemplateContext } from './finding.js';

/*
 * A finding's data as JSON, when its source made that text anyway: staging stores every
 * finding's data as JSON, and JSON.stringify of ~35 keys per detection is a large part of
 * a pull's CPU. The Qualys source serializes a host's fields once for its detections'
 * digests; a detection's data JSON is that text joined with the detection's own.
 *
 * Kept beside the data object, not in it (a WeakMap): a finding whose data is replaced (a
 * copy completed from the last pull) has no JSON here and is serialized as before. The
 * data must not be changed in place once its JSON is noted: sources hand it on as built.
 */
const made = new WeakMap<TemplateContext, string>();

/** Note `json` as `data`'s JSON.stringify (the caller guarantees the same text). */
export function withDataJson(data: TemplateContext, json: string): TemplateContext {
  made.set(data, json);
  return data;
}

/** The JSON the source noted for `data`, if any. */
export function notedDataJson(data: TemplateContext): string | undefined {
  return made.get(data);
}

/** `JSON.stringify(data)`, from the text the source made when it did. */
export function dataJsonOf(data: TemplateContext): string {
  return made.get(data) ?? JSON.stringify(data);
}
