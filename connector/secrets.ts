import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { registerSecret } from './redact.js';

/**
 * Secrets are never written in the YAML itself: a secret field names an env var or a
 * file (Docker/Kubernetes secrets). The value is registered for redaction as it is read.
 */
export const secretRefSchema = z
  .object({
    env: z.string().min(1).optional().describe('name of the environment variable holding the secret'),
    file: z.string().min(1).optional().describe('path of a file holding the secret (trailing newline ignored)'),
  })
  .strict()
  .refine((r) => (r.env ? 1 : 0) + (r.file ? 1 : 0) === 1, { message: 'give exactly one of `env` or `file`' });

export type SecretRef = z.infer<typeof secretRefSchema>;

/** Where a secret comes from, for messages (`QUALYS_PASSWORD`, `the file /run/secrets/x`): never its value. */
export function secretSourceName(ref: { env?: string; file?: string }): string {
  return ref.env ?? `the file ${ref.file ?? '?'}`;
}

export function readSecret(ref: SecretRef, what: string, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.env) {
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new ConfigError('CONFIG_SECRET_MISSING', `environment variable ${ref.env} (${what}) is not set`, {
        hint: `export ${ref.env}=... or pass it to the container (docker-compose.yml: environment)`,
      });
    }
    registerSecret(value);
    return value;
  }
  const file = ref.file as string;
  let value: string;
  try {
    value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError('CONFIG_SECRET_MISSING', `cannot read secret file for ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      file,
      hint: 'check the path and that the daemon may read it',
    });
  }
  if (!value) throw new ConfigError('CONFIG_SECRET_MISSING', `secret file for ${what} is empty`, { file });
  registerSecret(value);
  return value;
}
