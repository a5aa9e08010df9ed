/**
 * The PagerDuty simulator as its own process, for the demo and the benchmark:
 *
 *   tsx tests/sim/pagerduty/main.ts [--events-per-minute N|Infinity] [--port 0] [--routing-keys k1,k2] [--validate]
 *
 * Routing keys: --routing-keys, else $PD_SIM_ROUTING_KEYS (comma-separated), else the built-in
 * PD_SIM_ROUTING_KEYS. --validate checks bodies against PagerDuty's OpenAPI document (off by
 * default: the demo runs where the document is not). Prints
 * `{"url": "...", "eventsUrl": "...", "routingKeys": [...]}` on one stdout line when it listens;
 * `GET /__sim/stats` answers counts, `GET /__sim/alerts` the alerts; stops on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { stopOnSignal } from '../stopOnSignal.js';
import { PD_SIM_ROUTING_KEYS, startPagerDutySim } from './startPagerDutySim.js';

const { values } = parseArgs({
  options: {
    'events-per-minute': { type: 'string', default: '120' },
    port: { type: 'string', default: '0' },
    'routing-keys': { type: 'string' },
    validate: { type: 'boolean', default: false },
  },
});

const keyList = values['routing-keys'] ?? process.env.PD_SIM_ROUTING_KEYS;
const routingKeys = keyList ? keyList.split(',').map((k) => k.trim()).filter(Boolean) : PD_SIM_ROUTING_KEYS;
const eventsPerMinute = Number(values['events-per-minute']);
if (!(eventsPerMinute > 0)) throw new Error(`--events-per-minute must be a positive number or Infinity, not ${values['events-per-minute']}`);

const sim = await startPagerDutySim({
  port: Number(values.port),
  routingKeys,
  eventsPerMinute,
  validateAgainstOpenApi: values.validate,
  // A bench sends many events: the request log would keep every body.
  recordRequests: false,
});
process.stdout.write(`${JSON.stringify({ url: sim.url, eventsUrl: sim.eventsUrl, routingKeys: sim.routingKeys })}\n`);

stopOnSignal(() => sim.close());
