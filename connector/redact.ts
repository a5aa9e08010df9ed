/**
 * The one place secrets are scrubbed. Secrets are registered when they are read from
 * env vars or files (secrets.ts); everything logged or stored as an error
 * message is passed through `redact`.
 */
const secrets = new Set<string>();
const SENSITIVE_KEY = /^(authorization|password|passwd|token|apitoken|api_token|secret|cookie|set-cookie|x-api-key)$/i;

export function registerSecret(value: string): void {
  // Very short values would redact ordinary words; real credentials are longer.
  if (value.length >= 4) secrets.add(value);
}

export function redactString(text: string): string {
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  }
  // Basic/Bearer credentials in a header dump or URL userinfo.
  out = out.replace(/(Basic|Bearer)\s+[A-Za-z0-9+/=._-]{8,}/g, '$1 [REDACTED]');
  out = out.replace(/\/\/([^/@\s:]+):([^/@\s]+)@/g, '//$1:[REDACTED]@');
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return value;
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return redactString(value.message);
  if (value && typeof value === 'object') {
    const out: Record<string | symbol, unknown> = {};
    for (const key of Reflect.ownKeys(value)) {
      const v = (value as Record<string | symbol, unknown>)[key];
      out[key] = typeof key === 'string' && SENSITIVE_KEY.test(key) ? '[REDACTED]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
