/**
 * A JSON media type: `application/json` or a structured `application/*+json` (RFC 6839),
 * or no type at all (the body is parsed as JSON either way). Not `text/plain`, a form or
 * `octet-stream`: those are what a page may post cross-origin without a preflight.
 */
export function isJsonish(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === '' || type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}
