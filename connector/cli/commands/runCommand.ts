import { startDaemon, type Daemon } from '../../daemon/startDaemon.js';
import type { AppContext } from '../appContext.js';

/**
 * The daemon: one cron schedule per job and the webhook listener until SIGTERM/SIGINT,
 * then a graceful stop (running cycles finish or are aborted; an aborted cycle keeps its
 * cursor; acknowledged webhooks stay in the inbox).
 *
 * The signal handlers go in before anything awaits: as PID 1 in a container node has no
 * default action for SIGTERM, so a signal arriving during the startup checks (a Jira that
 * never answers) would otherwise be dropped and `docker stop` would end in a kill. A
 * signal during startup aborts the checks and the process exits at once.
 */
export async function runCommand(app: AppContext, opts: { runNow: boolean }): Promise<number> {
  const { log } = app;
  const startup = new AbortController();
  let received: string | undefined;
  let onStop: (() => void) | undefined;
  const stop = (signal: string) => {
    if (received) return;
    received = signal;
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    log.info('stopping', { signal });
    startup.abort(new Error(`${signal} received during startup`));
    onStop?.();
  };
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  try {
    if (app.jobs.length === 0) {
      log.error('no job can run; fix the errors above');
      return 1;
    }
    let daemon: Daemon;
    try {
      daemon = await startDaemon(app, { runNow: opts.runNow, signal: startup.signal });
    } catch (err) {
      if (!startup.signal.aborted) throw err;
      // The aborted checks' requests were destroyed with them (sinks/jira/jiraClient.ts
      // withCallSignal), so nothing keeps the process alive past this return.
      log.info('stopped during startup, before any job was scheduled', { signal: received });
      return 0;
    }
    if (!received) await new Promise<void>((resolve) => (onStop = resolve));
    await daemon.stop();
    log.info('stopped');
    return 0;
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    app.state.close();
  }
}
