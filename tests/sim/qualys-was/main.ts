/**
 * The Qualys WAS simulator as its own process:
 *
 *   tsx tests/sim/qualys-was/main.ts --web-apps 20 --findings-per-app 50 [--seed 1] [--port 0]
 *
 * Prints `{"url": "...", "username": "...", "password": "..."}` on one stdout line when
 * it listens; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { stopOnSignal } from '../stopOnSignal.js';
import { QUALYS_WAS_SIM_CREDENTIALS, startQualysWasSim } from './startQualysWasSim.js';

const { values } = parseArgs({
  options: {
    'web-apps': { type: 'string', default: '5' },
    'findings-per-app': { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    port: { type: 'string', default: '0' },
  },
});

const sim = await startQualysWasSim({
  webApps: Number(values['web-apps']),
  findingsPerApp: Number(values['findings-per-app']),
  seed: Number(values.seed),
  port: Number(values.port),
});
process.stdout.write(`${JSON.stringify({ url: sim.url, ...QUALYS_WAS_SIM_CREDENTIALS })}\n`);

stopOnSignal(() => sim.close());
