/**
 * The Qualys simulator as its own process, so a benchmark does not count its memory:
 *
 *   tsx tests/sim/qualys/main.ts --hosts 10000 --detections-per-host 100 [--seed 1] [--port 0]
 *
 * Prints `{"url": "...", "username": "...", "password": "..."}` on one stdout line when
 * it listens; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { stopOnSignal } from '../stopOnSignal.js';
import { QUALYS_SIM_CREDENTIALS, startQualysSim } from './startQualysSim.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '100' },
    'detections-per-host': { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    port: { type: 'string', default: '0' },
    'rate-limit': { type: 'string' },
  },
});

const sim = await startQualysSim({
  hosts: Number(values.hosts),
  detectionsPerHost: Number(values['detections-per-host']),
  seed: Number(values.seed),
  port: Number(values.port),
  recordCalls: false,
  ...(values['rate-limit'] ? { rateLimit: { limit: Number(values['rate-limit']) } } : {}),
});
process.stdout.write(`${JSON.stringify({ url: sim.url, ...QUALYS_SIM_CREDENTIALS })}\n`);

stopOnSignal(() => sim.close());
