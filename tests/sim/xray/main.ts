/**
 * The Xray simulator as its own process, so a benchmark does not count its memory:
 *
 *   tsx tests/sim/xray/main.ts --watches 5 --violations-per-watch 20000 [--seed 1] [--port 0]
 *
 * Prints `{"url": "...", "token": "...", "username": "...", "password": "..."}` on one stdout
 * line when it listens; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { stopOnSignal } from '../stopOnSignal.js';
import { startXraySim, XRAY_SIM_CREDENTIALS } from './startXraySim.js';

const { values } = parseArgs({
  options: {
    watches: { type: 'string', default: '3' },
    'violations-per-watch': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    port: { type: 'string', default: '0' },
    start: { type: 'string' },
  },
});

const sim = await startXraySim({
  watches: Number(values.watches),
  violationsPerWatch: Number(values['violations-per-watch']),
  seed: Number(values.seed),
  port: Number(values.port),
  ...(values.start ? { start: new Date(values.start) } : {}),
  recordRequests: false,
});
process.stdout.write(`${JSON.stringify({ url: sim.url, ...XRAY_SIM_CREDENTIALS })}\n`);

stopOnSignal(() => sim.close());
