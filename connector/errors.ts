/**
 * The error family every module throws. Each error carries a stable code and the
 * thing it concerns (file, JSON/YAML path, host) so the operator can act on it;
 * `hint` says what to do. What an error then means is decided in one place,
 * http/failurePolicy.ts: retry (429, 5xx, timeouts), skip the item (the sink rejected
 * one ticket: recorded and retried next cycle) or abort the cycle (unreachable host,
 * bad credentials, a malformed page; the cursor is kept).
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_SECRET_MISSING'
  | 'TEMPLATE_INVALID'
  | 'SOURCE_RESPONSE_INVALID'
  | 'SOURCE_FAILED'
  | 'SINK_REJECTED'
  /** The ticket no longer exists (deleted in the ticketing system by a person). */
  | 'TICKET_GONE'
  | 'SINK_SETUP_INVALID'
  | 'AUTH_FAILED'
  | 'HOST_UNREACHABLE'
  | 'HOST_RATE_LIMITED'
  | 'HOST_ERROR'
  | 'STATE_ERROR'
  /** A pushed payload (webhook) we cannot accept: wrong shape, bad JSON. */
  | 'WEBHOOK_INVALID'
  | 'ABORTED';

export interface ErrorDetails {
  file?: string;
  path?: string;
  line?: number;
  host?: string;
  hint?: string;
  cause?: unknown;
}

export class VulnbridgeError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly path?: string;
  readonly line?: number;
  readonly host?: string;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = details.file;
    this.path = details.path;
    this.line = details.line;
    this.host = details.host;
    this.hint = details.hint;
  }

  /** One line for the operator: where, what, and what to do. */
  describe(): string {
    // The host once: left out of the prefix when the message already names it.
    const host = this.host && !this.message.includes(this.host) ? this.host : undefined;
    const where = [this.file && (this.line ? `${this.file}:${this.line}` : this.file), this.path, host]
      .filter(Boolean)
      .join(' ');
    const head = where ? `${where}: ${this.message}` : this.message;
    return this.hint ? `${head} (${this.hint})` : head;
  }
}

export class ConfigError extends VulnbridgeError {}
export class TemplateError extends VulnbridgeError {}
export class SourceError extends VulnbridgeError {}
export class SinkError extends VulnbridgeError {}
export class StateError extends VulnbridgeError {}

/** 429, 5xx, timeouts, refused connections: the host, not our input, is the problem. */
export class ExternalHostError extends VulnbridgeError {
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(code: ErrorCode, message: string, details: ErrorDetails & { status?: number; retryAfterMs?: number } = {}) {
    super(code, message, details);
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Several problems found at once (template validation, Jira setup checks). */
export class ProblemList extends VulnbridgeError {
  readonly problems: VulnbridgeError[];
  constructor(code: ErrorCode, title: string, problems: VulnbridgeError[]) {
    super(code, `${title}:\n${problems.map((p) => `  - ${p.describe()}`).join('\n')}`);
    this.problems = problems;
  }
  override describe(): string {
    return this.message;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof VulnbridgeError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
