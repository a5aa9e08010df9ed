import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ConfigError } from '../errors.js';
import type { SecretRef } from '../secrets.js';

/**
 * The inbound webhook credential check: pure functions of headers and resolved secrets,
 * shared by the pipeline (which builds each job's check) and the server (which calls it).
 * Kept here at the bottom so neither has to import the other. The settings are the
 * shape of config's `webhook:` block (config/serverConfig.ts WebhookAuthConfig).
 */
export interface WebhookAuthSettings {
  basicAuth?: { username: SecretRef; password: SecretRef };
  header?: { name: string; value: SecretRef };
}

export type ResolvedWebhookAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'header'; name: string; value: string };

/** Reads one secret named in config; `what` names it in the error when it is missing. */
export type SecretReader = (ref: SecretRef, what: string) => string;

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Equality whose time depends on neither where the strings differ nor their lengths:
 * both sides are hashed to 32 bytes first, which timingSafeEqual requires anyway.
 */
export function constantTimeEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/** `Basic <base64(user:password)>` (RFC 7617); the scheme is case-insensitive. */
export function parseBasicAuthorization(header: string | undefined): { username: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^\s*basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  // A user-id cannot contain ':' (RFC 7617 §2), a password can.
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A credential check for one job; a missing or malformed header is simply `false`. */
export function webhookAuthenticator(auth: ResolvedWebhookAuth): (headers: IncomingHttpHeaders) => boolean {
  if (auth.kind === 'basic') {
    const { username, password } = auth;
    return (headers) => {
      const presented = parseBasicAuthorization(headers.authorization);
      if (!presented) return false;
      // Both compared, so the answer time does not tell which one was wrong.
      const userOk = constantTimeEqual(presented.username, username);
      const passwordOk = constantTimeEqual(presented.password, password);
      return userOk && passwordOk;
    };
  }
  // Node lower-cases incoming header names.
  const name = auth.name.toLowerCase();
  const { value } = auth;
  return (headers) => {
    const presented = headers[name];
    return typeof presented === 'string' && constantTimeEqual(presented, value);
  };
}

/** Turns the config's secret references into values (registered for redaction by the reader). */
export function resolveWebhookAuth(config: WebhookAuthSettings, readSecret: SecretReader, label = 'webhook'): ResolvedWebhookAuth {
  if (config.basicAuth && !config.header) {
    return {
      kind: 'basic',
      username: readSecret(config.basicAuth.username, `${label}.basicAuth.username`),
      password: readSecret(config.basicAuth.password, `${label}.basicAuth.password`),
    };
  }
  if (config.header && !config.basicAuth) {
    return { kind: 'header', name: config.header.name, value: readSecret(config.header.value, `${label}.header.value`) };
  }
  throw new ConfigError('CONFIG_INVALID', `${label}: give exactly one of basicAuth or header`);
}
