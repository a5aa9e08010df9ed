import { describeError } from '../errors.js';
import { deliveryVerdict } from '../http/failurePolicy.js';
import { noteThrottleWait } from '../http/httpObserver.js';
import type { IncidentSender } from '../incidents/types.js';
import type { Logger } from '../log.js';
import type { Outbox } from '../state/outbox.js';
import { sleep } from '../http/sleep.js';

/** One incident endpoint of one job: where the outbox rows of (job, lane) go. */
export interface DeliveryLane {
  job: string;
  lane: string;
  sender: IncidentSender;
}

export interface DrainResult {
  sent: number;
  retried: number;
  rejected: number;
  /** Events still waiting when the drain stopped (throttled, retrying, or past the deadline). */
  waiting: number;
}

const WINDOW_MS = 60_000;
/**
 * The endpoint counts an event when it arrives, a little after we count it when we send:
 * wait this much longer than the window so its count has surely dropped.
 */
const WINDOW_MARGIN_MS = 1000;

/**
 * Sends what the outbox holds, lane by lane in parallel and in order within a lane,
 * never faster than the lane's endpoint takes (a sliding 60 s window, as PagerDuty counts).
 * What a failed send means is failurePolicy's deliveryVerdict: retryable failures (429,
 * 5xx, unreachable) wait and stay in the outbox; an event the endpoint rejects (400) is
 * set aside with the reason. Nothing is lost on a crash: an
 * event leaves the outbox only once the endpoint accepted it.
 */
export class OutboxDrainer {
  private readonly windows = new Map<string, number[]>();
  /** A lane the endpoint throttled (429) pauses as a whole until then. */
  private readonly pausedUntil = new Map<string, number>();
  readonly stats = { sent: 0, retried: 0, rejected: 0 };

  constructor(
    private readonly outbox: Outbox,
    private readonly lanes: readonly DeliveryLane[],
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void> = defaultSleep,
  ) {}

  /**
   * Drain until nothing is due, or until `deadline` (epoch ms) when waiting for the rate
   * limit or a retry would pass it. `wait: false` sends only what can go right now.
   */
  async drain(opts: { signal: AbortSignal; deadline?: number; wait?: boolean }): Promise<DrainResult> {
    const before = { ...this.stats };
    await Promise.all(this.lanes.map((l) => this.drainLane(l, opts)));
    const waiting = this.lanes.reduce((n, l) => n + (this.outbox.counts().find((c) => c.job === l.job && c.lane === l.lane)?.waiting ?? 0), 0);
    return {
      sent: this.stats.sent - before.sent,
      retried: this.stats.retried - before.retried,
      rejected: this.stats.rejected - before.rejected,
      waiting,
    };
  }

  /** When the next event of any lane may go (undefined: the outbox is empty). */
  nextWakeAt(): number | undefined {
    let next: number | undefined;
    for (const l of this.lanes) {
      const due = this.outbox.nextDueAt(l.job, l.lane);
      if (due === undefined) continue;
      const at = Math.max(due, this.pausedUntil.get(key(l)) ?? 0, this.windowFreeAt(l));
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }

  private async drainLane(l: DeliveryLane, opts: { signal: AbortSignal; deadline?: number; wait?: boolean }): Promise<void> {
    const wait = opts.wait ?? true;
    for (;;) {
      if (opts.signal.aborted) return;
      const now = this.now();
      const paused = this.pausedUntil.get(key(l)) ?? 0;
      const gate = Math.max(paused, this.windowFreeAt(l));
      if (gate > now) {
        if (!wait || (opts.deadline !== undefined && gate > opts.deadline)) return;
        await this.sleep(gate - now, opts.signal);
        // The endpoint's 429 pause is a throttle wait; our own pacing (the window) is not.
        if (paused > now) noteThrottleWait(l.sender.host, Math.min(paused, this.now()) - now);
        continue;
      }
      const [row] = this.outbox.due(l.job, l.lane, now, 1);
      if (!row) {
        const due = this.outbox.nextDueAt(l.job, l.lane);
        if (due === undefined || !wait || (opts.deadline !== undefined && due > opts.deadline)) return;
        await this.sleep(Math.max(0, due - now), opts.signal);
        continue;
      }
      this.window(l).push(now);
      try {
        await l.sender.send(row.event, opts.signal);
        this.outbox.sent(row.id);
        this.stats.sent++;
      } catch (err) {
        if (opts.signal.aborted) return;
        const message = describeError(err);
        const verdict = deliveryVerdict(err, row.attempts);
        if (verdict.verdict === 'skip') {
          this.outbox.rejected(row.id, message);
          this.stats.rejected++;
          this.log.error('the incident endpoint rejected an event; it is set aside (vulnbridge status shows it)', {
            job: l.job,
            lane: l.lane,
            host: l.sender.host,
            dedupKey: row.dedupKey,
            action: row.action,
            error: message,
          });
          continue;
        }
        const at = this.now() + verdict.waitMs;
        if (verdict.pauseLane) this.pausedUntil.set(key(l), at);
        this.outbox.retryLater(row.id, at, message);
        this.stats.retried++;
        this.log.warn('incident event not delivered; it stays in the outbox and is retried', {
          job: l.job,
          lane: l.lane,
          host: l.sender.host,
          attempt: row.attempts + 1,
          retryInSeconds: Math.round((at - this.now()) / 1000),
          error: message,
        });
      }
    }
  }

  private window(l: DeliveryLane): number[] {
    let w = this.windows.get(key(l));
    if (!w) this.windows.set(key(l), (w = []));
    const cutoff = this.now() - WINDOW_MS - WINDOW_MARGIN_MS;
    while (w.length && (w[0] as number) <= cutoff) w.shift();
    return w;
  }

  /** When the sliding window lets the next event through. */
  private windowFreeAt(l: DeliveryLane): number {
    const w = this.window(l);
    if (w.length < l.sender.eventsPerMinute) return 0;
    return (w[w.length - l.sender.eventsPerMinute] as number) + WINDOW_MS + WINDOW_MARGIN_MS;
  }
}

/**
 * Throttles and pauses belong to the endpoint, not the job: the lane id names the
 * endpoint (its secret's name), so two jobs paging with one integration key share its limit.
 */
const key = (l: DeliveryLane) => l.lane;

/** Waiting ends early when the drain is aborted; the drain loop then sees the signal. */
const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> => sleep(ms, signal).catch(() => undefined);
