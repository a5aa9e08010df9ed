/**
 * The incident webhook simulator as its own process, for the demo and the benchmark:
 *
 *   tsx tests/sim/incident-webhook/main.ts [--port 0] [--api-keys k1,k2] [--path /lir/webhook]
 *
 * Prints `{"url": "...", "webhookUrl": "...", "apiKeys": [...]}` on one stdout line when it
 * listens; `GET /__sim/stats` answers counts, `GET /__sim/incidents` the incidents; stops on
 * SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { stopOnSignal } from '../stopOnSignal.js';
import { INCIDENT_WEBHOOK_SIM_API_KEY, startIncidentWebhookSim } from './startIncidentWebhookSim.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'api-keys': { type: 'string' },
    path: { type: 'string', default: '/lir/webhook' },
  },
});

const apiKeys = values['api-keys'] !== undefined ? values['api-keys'].split(',').map((k) => k.trim()).filter(Boolean) : [INCIDENT_WEBHOOK_SIM_API_KEY];

const sim = await startIncidentWebhookSim({
  port: Number(values.port),
  apiKeys,
  // A bench sends many events: the request log would keep every body.
  recordRequests: false,
});
process.stdout.write(`${JSON.stringify({ url: sim.url, webhookUrl: sim.webhookUrl(values.path), apiKeys: sim.apiKeys })}\n`);

stopOnSignal(() => sim.close());
