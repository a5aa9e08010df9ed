/** No content type, or one a JSON sender might plausibly use; `text/html` or a form is clearly not JSON. */
export function isJsonish(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '' || type === '*/*') return true;
  return (
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'text/json' ||
    type === 'application/x-json' ||
    type === 'text/plain' ||
    type === 'application/octet-stream'
  );
}
