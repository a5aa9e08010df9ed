import { startDaemon } from '../../daemon/startDaemon.js';
import type { AppContext } from '../appContext.js';

/**
 * The daemon: one cron schedule per job and the webhook listener until SIGTERM/SIGINT,
 * then a graceful stop (running cycles finish or are aborted; an aborted cycle keeps its
 * cursor; acknowledged webhooks stay in the inbox).
 */
export async function runCommand(app: AppContext, opts: { runNow: boolean }): Promise<number> {
  const { log } = app;
  if (app.jobs.length === 0) {
    log.error('no job can run; fix the errors above');
    return 1;
  }
  const daemon = await startDaemon(app, { runNow: opts.runNow });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info('stopping', { signal });
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      void daemon.stop().then(resolve);
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  app.state.close();
  log.info('stopped');
  return 0;
}
