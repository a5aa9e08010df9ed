import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { IncidentSender } from '../incidents/types.js';
import type { Outbox } from '../state/outbox.js';
import { OutboxDrainer, type DeliveryLane } from './outboxDrainer.js';

/**
 * What delivery needs of a job (pipeline/jobRuntime.ts JobRuntime has this shape): its
 * name and incident lanes. Named here so delivery does not import the pipeline beside it.
 */
export interface DeliveryJob {
  config: { name: string };
  lanes: { incidents: ReadonlyArray<{ id: string; sender: IncidentSender }> };
}

/** Every incident endpoint of these jobs, as delivery lanes. */
export function deliveryLanes(jobs: readonly DeliveryJob[]): DeliveryLane[] {
  return jobs.flatMap((rt) => rt.lanes.incidents.map((l) => ({ job: rt.config.name, lane: l.id, sender: l.sender })));
}

/**
 * The daemon's delivery loop: drains the outbox in the background (so a burst that
 * takes PagerDuty's rate limit 40 minutes to take never holds up a Jira cycle), sleeps
 * until the next event is due or a cycle queues new ones (`kick`), and stops cleanly.
 */
export class OutboxPump {
  private readonly drainer: OutboxDrainer;
  private readonly abort = new AbortController();
  private wake?: () => void;
  private kicked = false;
  private running?: Promise<void>;

  constructor(outbox: Outbox, lanes: readonly DeliveryLane[], private readonly log: Logger) {
    this.drainer = new OutboxDrainer(outbox, lanes, log);
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** New events were queued: look now. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      this.kicked = false;
      try {
        await this.drainer.drain({ signal });
      } catch (err) {
        // The outbox keeps every event; a failure here is logged and the loop goes on.
        this.log.error('delivering incident events failed; they stay in the outbox', { error: describeError(err) });
      }
      if (signal.aborted) return;
      if (this.kicked) continue;
      const next = this.drainer.nextWakeAt();
      const ms = next === undefined ? 60_000 : Math.max(50, next - Date.now());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
