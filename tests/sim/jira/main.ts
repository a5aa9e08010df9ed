/**
 * The Jira simulator as its own process, so a benchmark does not count its memory:
 *
 *   tsx tests/sim/jira/main.ts [--flavor cloud|datacenter] [--workflow simplified|classic] [--port 0] [--bulk-polls N]
 *
 * Prints `{"url": "...", "email": "...", "token": "...", "pat": "..."}` on one stdout
 * line when it listens; `GET /__sim/stats` answers issue and link counts, requests and
 * bulk operations made; `GET /__sim/bulk-change?granted=false` takes the Bulk Change
 * permission away (`true` gives it back); stops on
 * SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { stopOnSignal } from '../stopOnSignal.js';
import { simplifiedWorkflowData } from '../../../connector/cli/commands/demoCommand.js';
import { SIM_CREDENTIALS, startJiraSim } from './startJiraSim.js';

const { values } = parseArgs({
  options: {
    flavor: { type: 'string', default: 'cloud' },
    workflow: { type: 'string', default: 'simplified' },
    port: { type: 'string', default: '0' },
    'bulk-polls': { type: 'string', default: '0' },
  },
});

const sim = await startJiraSim({
  flavor: values.flavor === 'datacenter' ? 'datacenter' : 'cloud',
  validateAgainstOpenApi: false,
  validateResponses: false,
  // A bench sends up to a million creates: the request log would keep every body.
  recordRequests: false,
  data: values.workflow === 'simplified' ? simplifiedWorkflowData() : undefined,
});
sim.bulk.options.pollsBeforeDone = Number(values['bulk-polls']);
process.stdout.write(`${JSON.stringify({ url: sim.url, ...SIM_CREDENTIALS })}\n`);

stopOnSignal(() => sim.close());
