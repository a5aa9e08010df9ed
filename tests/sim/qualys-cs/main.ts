/**
 * The Qualys Container Security simulator as its own process:
 *
 *   tsx tests/sim/qualys-cs/main.ts --images 100 --containers-per-image 3 --vulns-per-object 20 [--seed 1] [--port 0]
 *
 * Prints `{"url": "...", "username": "...", "password": "..."}` on one stdout line when
 * it listens; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { stopOnSignal } from '../stopOnSignal.js';
import { QUALYS_CS_SIM_CREDENTIALS, startQualysCsSim } from './startQualysCsSim.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '20' },
    'containers-per-image': { type: 'string', default: '2' },
    'vulns-per-object': { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    port: { type: 'string', default: '0' },
  },
});

const sim = await startQualysCsSim({
  images: Number(values.images),
  containersPerImage: Number(values['containers-per-image']),
  vulnsPerObject: Number(values['vulns-per-object']),
  seed: Number(values.seed),
  port: Number(values.port),
});
// Standalone runs serve for hours: keep the call log from growing.
setInterval(() => sim.calls.splice(0), 60_000).unref();
process.stdout.write(`${JSON.stringify({ url: sim.url, ...QUALYS_CS_SIM_CREDENTIALS })}\n`);

stopOnSignal(() => sim.close());
