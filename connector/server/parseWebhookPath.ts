const WEBHOOK_PATH = /^\/webhooks\/([^/]+)\/([^/]+)\/?$/;

function decodeSegment(segment: string): string | undefined {
  try {
    const decoded = decodeURIComponent(segment);
    return decoded === '' ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** `/webhooks/<kind>/<job>` (URL-decoded, neither empty), or undefined for any other path. */
export function parseWebhookPath(path: string): { kind: string; job: string } | undefined {
  const m = WEBHOOK_PATH.exec(path);
  const kind = m && decodeSegment(m[1] as string);
  const job = m && decodeSegment(m[2] as string);
  return kind && job ? { kind, job } : undefined;
}
