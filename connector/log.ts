import winston from 'winston';
import { redact } from './redact.js';

export type Logger = winston.Logger;

/**
 * Logs are a static message plus a metadata object; every line passes through
 * `redact` so a secret that slipped into metadata or an error never reaches output.
 */
const redactFormat = winston.format((info) => redact(info) as winston.Logform.TransformableInfo);

/**
 * `VULNBRIDGE_LOG_FORMAT=json|text` wins over `opts.json` (the config's `log.format`), so
 * an operator or a container sets the format once for every command.
 */
export function createLogger(opts: { level?: string; json?: boolean; silent?: boolean } = {}): Logger {
  const env = process.env.VULNBRIDGE_LOG_FORMAT;
  const json = env === 'json' ? true : env === 'text' ? false : (opts.json ?? false);
  return winston.createLogger({
    level: opts.level ?? process.env.VULNBRIDGE_LOG_LEVEL ?? 'info',
    silent: opts.silent ?? false,
    format: winston.format.combine(
      redactFormat(),
      winston.format.timestamp(),
      json
        ? winston.format.json()
        : winston.format.printf(({ level, message, timestamp, ...meta }) => {
            const rest = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${level} ${String(message)}${rest}`;
          }),
    ),
    // stderr keeps stdout free for tables and --json output.
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] })],
  });
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return createLogger({ silent: true });
}
