import cron from 'node-cron';

/**
 * The schedule's next time after `now` (ISO), by node-cron's own matcher (a task created,
 * never started); null when there is none. `vulnbridge status` and `GET /status` show it.
 */
export function nextRun(schedule: string, timezone: string | undefined, now: Date): string | null {
  const task = cron.createTask(schedule, () => {}, timezone ? { timezone } : {});
  try {
    const next = task.getNextRuns(1)[0];
    return next && next.getTime() > now.getTime() - 60_000 ? next.toISOString() : null;
  } catch {
    return null;
  } finally {
    void task.destroy();
  }
}
