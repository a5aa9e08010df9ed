import type { z } from 'zod';
import type { Logger } from '../log.js';
import type { FindingGroup, FindingGroupSpan, FindingHead, FindingPage } from '../model/finding.js';
import type { TemplateContext } from '../model/finding.js';

/**
 * How far a pull is, for a scanner that says how much it lists in all (Xray's
 * `total_violations`): records listed so far of that total, in the scanner's unit.
 */
export interface PullExpected {
  done: number;
  total: number;
  unit: string;
}

export interface PullProgress {
  /** `totalFindings`: findings so far in this pull; `expected` only where the scanner gives a total. */
  (event: { page: string; findings: number; totalFindings: number; expected?: PullExpected }): void;
}

export interface PullContext {
  /** The job's cursors as stored after its last complete cycle (empty on a first run). */
  cursors: Readonly<Record<string, string>>;
  /** Time the cycle started; the source derives the next cursor from it. */
  cycleStartedAt: Date;
  signal: AbortSignal;
  log: Logger;
  progress: PullProgress;
  /**
   * Present when the cycle passes over unchanged findings: a source that can digest a
   * scanner record before building its finding (`Finding.sourceDigest`) may ask with the
   * findings' heads, a batch at a time (one network chunk's records). For each, `true`:
   * the pipeline took the finding as recorded with that digest, and the source builds
   * and yields nothing of it; `false`: it yields the finding as usual, with its
   * `sourceDigest`. Sources that never ask work as before.
   *
   * `groups`: spans of `heads` that are all the findings of one parent, with the source's
   * digest of them together (`knownGroups`): the pipeline records a group once each of
   * its findings recorded its digest.
   */
  known?(heads: readonly FindingHead[], groups?: readonly FindingGroupSpan[]): boolean[];
  /**
   * With `known`: a source that digests all the findings of a parent together (a Qualys
   * host's detections) asks with those digests before digesting any finding alone. For
   * each, `true`: the pipeline took all of the group's findings as recorded, and the
   * source builds and digests none of them; `false`: it asks `known` with their heads.
   */
  knownGroups?(groups: readonly FindingGroup[]): boolean[];
}

export interface PullResult {
  /** Cursors to store once the whole cycle (pull, plan, apply) completes. */
  nextCursors: Record<string, string>;
  /**
   * Scopes (Finding.scope) this pull listed completely and without a rejected record:
   * for a source that resolves by absence, findings of these scopes seen in earlier
   * cycles and not listed now are gone.
   */
  completeScopes?: string[];
}

/** What a webhook payload is, said back to the sender and logged: `schema 1.1 alert 66fc…: 3 issues`. */
export interface WebhookCheck {
  description: string;
}

export interface WebhookContext {
  signal: AbortSignal;
  log: Logger;
}

/**
 * Push intake. `check` runs when the payload arrives, before it is stored: it throws a
 * VulnbridgeError with code WEBHOOK_INVALID (answered 400 with its message) for a shape
 * it does not know. `findings` runs when the stored payload is processed; it may call
 * the scanner's API (e.g. to resolve an id the payload lacks) and marks findings
 * `partial` when the payload carries fewer fields than a pull (findings it takes from
 * the API instead are completed like pulled ones: Source.pullLacks).
 */
export interface WebhookIntake {
  check(body: unknown): WebhookCheck;
  findings(body: unknown, ctx: WebhookContext): Promise<FindingPage>;
}

export interface EnrichContext {
  signal: AbortSignal;
  log: Logger;
  /** Ids per lookup namespace that are missing or stale in the lookup cache. */
  wanted: ReadonlyMap<string, readonly string[]>;
  /** Store one fetched lookup entry (the pipeline persists it). */
  put(ns: string, id: string, data: TemplateContext): void;
}

/**
 * A scanner. `pull` streams pages of findings (memory must not grow with the pull);
 * `enrich` fetches reference data for the lookups the findings named.
 */
export interface Source {
  readonly type: string;
  /** Host this source talks to, for messages. */
  readonly host: string;
  /** Who runs the scanner's API, for messages (`Qualys`, `JFrog Xray`); the host when absent. */
  readonly vendor?: string;
  /** Template module names (`VMDR`, `WAS`, ...) whose templates this source can feed. */
  readonly moduleName: string;
  /** How long a lookup entry stays fresh, per namespace (seconds; 0 = refetch each cycle). */
  readonly lookupTtlSec: Readonly<Record<string, number>>;
  pull(ctx: PullContext): AsyncGenerator<FindingPage, PullResult, void>;
  enrich(ctx: EnrichContext): Promise<void>;
  /**
   * Set when the scanner stops listing a resolved finding instead of reporting it fixed
   * (Xray): a finding gone from a complete listing of its scope gets this status.
   */
  readonly resolvesByAbsence?: { status: string };
  /**
   * Data keys the pull does not (always) carry although another path (a push) does: a
   * pulled finding that has them empty keeps their last known value, so push and pull do
   * not clear each other's fields. (A pushed finding lacking fields marks itself `partial`.)
   */
  readonly pullLacks?: readonly string[];
  /**
   * Data keys a push (`partial` finding) carries only as a first guess, not as the pull
   * has them (Xray: a webhook issue's `created` is not the listed violation's): the last
   * known value wins; the pushed one serves a finding not seen before.
   */
  readonly pushLacks?: readonly string[];
  /** Set when the scanner can push findings to the daemon (Xray webhooks). */
  readonly webhook?: WebhookIntake;
  /** `validate --online`: reach the scanner with the configured credentials and check what the job names (reads only). */
  check?(signal: AbortSignal, log: Logger): Promise<void>;
}

export interface SourceDeps {
  log: Logger;
  /** Resolve a secret named in config (env var or file), registering it for redaction. */
  secret(ref: { env?: string; file?: string }, what: string): string;
}

export interface SourceFactory<C = unknown> {
  readonly type: string;
  /** Template module its findings fill (`VMDR`, `XRAY`): what routing criteria can ask of them. */
  readonly moduleName: string;
  /** When the module depends on the config (Container Security: images or containers). */
  moduleNameOf?(config: C): string;
  /** The `<kind>` of `POST /webhooks/<kind>/<job>` when this source takes pushes (Xray: `xray`). */
  readonly webhookKind?: string;
  /** Schema of the `source:` block of a job for this type (validated at config load). */
  readonly configSchema: z.ZodType<C>;
  create(config: C, deps: SourceDeps): Source;
}
