import { z } from 'zod';
import { secretRefSchema } from '../secrets.js';

/** RFC 9110 §5.6.2 token: what a header field name may consist of. */
const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Names Xray or HTTP itself sets: a secret there would be overwritten or would break
 * framing, so the operator is told to pick a name of their own.
 */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'expect',
  'user-agent',
  'accept-encoding',
  'x-xray-version',
]);

const headerName = z
  .string()
  .regex(HEADER_TOKEN, 'not a valid HTTP header name (letters, digits and !#$%&\'*+.^_`|~-), e.g. X-Vulnbridge-Token')
  .refine((n) => !RESERVED_HEADERS.has(n.toLowerCase()), {
    message: 'this header is set by Xray or HTTP itself; pick a name of your own, e.g. X-Vulnbridge-Token',
  })
  .describe('header name (case-insensitive) Xray sends as a custom header');

/**
 * How a job's webhook sender proves itself. Xray offers Basic auth and custom headers
 * but signs nothing, so one of the two is required before a payload is stored.
 */
export const webhookAuthSchema = z
  .strictObject({
    basicAuth: z
      .strictObject({ username: secretRefSchema, password: secretRefSchema })
      .optional()
      .describe('user and password entered in the Xray webhook settings (Basic auth)'),
    header: z
      .strictObject({ name: headerName, value: secretRefSchema })
      .optional()
      .describe('a custom header Xray sends with a secret value'),
  })
  .refine((a) => (a.basicAuth ? 1 : 0) + (a.header ? 1 : 0) === 1, {
    message: 'give exactly one of basicAuth or header',
  });

/**
 * `server.statusPage`: true/false, or the credentials block of a job's `webhook:`. An
 * object is checked as that block alone, so its errors name the key at fault (a plain
 * union would only say "Invalid input").
 */
const statusPageSchema = z.unknown().transform((value, ctx): boolean | z.infer<typeof webhookAuthSchema> => {
  if (typeof value === 'boolean') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: "give true, false, or { basicAuth } / { header } (the shape of a job's webhook: block)" });
    return z.NEVER;
  }
  const parsed = webhookAuthSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
  return z.NEVER;
});

/** The daemon's listener (webhooks, /healthz, /readyz, /metrics, /status). Loopback by default: exposing it is a choice. */
export const serverConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1').describe('address to listen on; 0.0.0.0 to accept from other machines'),
  port: z.number().int().min(0).max(65535).default(8080).describe('TCP port; 0 picks any free port (tests)'),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024, 'at least 1024 bytes')
    .default(5 * 1024 * 1024)
    .describe('largest webhook body accepted, on the wire and after decompression'),
  readyFailedRuns: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('GET /readyz answers 503 once a job\'s last this many runs all failed'),
  statusPage: statusPageSchema
    .optional()
    .describe(
      'GET /status, a read-only HTML status page: absent or false = off (404); true = on without credentials (like /healthz); ' +
        '{ basicAuth } or { header } (the shape of a job\'s `webhook:` block) = on, behind those credentials',
    ),
});

export type ServerConfig = z.infer<typeof serverConfigSchema>;
export type WebhookAuthConfig = z.infer<typeof webhookAuthSchema>;
export type StatusPageConfig = NonNullable<ServerConfig['statusPage']>;
