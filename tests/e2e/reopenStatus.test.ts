import { expect } from 'chai';
import path from 'node:path';
import type { AppContext } from '../../connector/cli/appContext.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import { defaultSimData } from '../sim/jira/simData.js';
import type { SimIssue } from '../sim/jira/simStore.js';
import { changeDetection, detectionsById, issueDetectionId } from './support/detections.js';
import { cycle, jobOf, REFERENCE_TEMPLATES, startWorld, type World } from './support/world.js';

const REF_PER_DETECTION = path.join(REFERENCE_TEMPLATES, 'Per_Detection_Separate_Ticket_Scheme.json');

/** Jira's classic workflow plus a global "Reopen" transition: Reopened is reachable from every status. */
function classicWithGlobalReopen() {
  const data = defaultSimData();
  data.transitions.push({ id: '61', name: 'Mark Reopened', from: ['Open', 'In Progress'], to: 'Reopened' });
  return data;
}

describe('e2e: a Re-Opened detection reaches the status its workflowMappings name (reference Per_Detection scheme)', () => {
  let world: World;
  let app: AppContext;
  let rt: JobRuntime;

  async function start(data = classicWithGlobalReopen()): Promise<void> {
    world = await startWorld({ qualys: { seed: 11, hosts: 5, detectionsPerHost: 4 }, jira: { flavor: 'cloud', data } });
    app = world.open(world.writeConfig([{ name: 'vmdr', template: REF_PER_DETECTION, project: 'VULN', flavor: 'cloud' }]));
    rt = jobOf(app, 'vmdr');
  }
  const ticketOf = (id: string) => world.jira.issues().find((i) => issueDetectionId(i) === id) as SimIssue;

  afterEach(async () => {
    app?.state.close();
    await world?.close();
  });

  it('a detection re-opened between two pulls moves its open ticket from Open to Reopened', async () => {
    await start();
    const r1 = await cycle(world, rt, app);
    expect(r1.result, r1.error).to.equal('ok');
    const [id] = [...detectionsById(world.qualys.data)].find(([, v]) => v.open && v.detection.STATUS === 'Active') ?? [];
    expect(id, 'seed 11 has an Active detection').to.be.a('string');
    expect(ticketOf(id as string).status).to.equal('Open');
    changeDetection(world.qualys.data, id as string, world.clock.qualysNow(), (d) => {
      d.STATUS = 'Re-Opened';
    });
    const r2 = await cycle(world, rt, app);
    expect(r2.counts).to.include({ transitioned: 1, failed: 0 });
    expect(ticketOf(id as string).status).to.equal('Reopened');
    // Acted on once: the next pull (still Re-Opened) changes nothing.
    const r3 = await cycle(world, rt, app);
    expect(r3.counts).to.include({ transitioned: 0 });
  });

  it('a ticket created for a Re-Opened detection is moved to Reopened on its first cycle', async () => {
    await start();
    const reopened = [...detectionsById(world.qualys.data)].filter(([, v]) => v.open && v.detection.STATUS === 'Re-Opened').map(([id]) => id);
    expect(reopened.length, 'seed 11 has a Re-Opened detection').to.be.greaterThan(0);
    const r1 = await cycle(world, rt, app);
    expect(r1.result, r1.error).to.equal('ok');
    for (const id of reopened) expect(ticketOf(id).status).to.equal('Reopened');
    expect(r1.counts.transitioned).to.equal(reopened.length);
  });

  it('where the workflow has no way from Open to Reopened, the ticket stays Open and nothing fails', async () => {
    await start(defaultSimData());
    const reopened = [...detectionsById(world.qualys.data)].filter(([, v]) => v.open && v.detection.STATUS === 'Re-Opened').map(([id]) => id);
    const r1 = await cycle(world, rt, app);
    expect(r1.result, r1.error).to.equal('ok');
    expect(r1.counts).to.include({ failed: 0, transitioned: 0 });
    for (const id of reopened) expect(ticketOf(id).status).to.equal('Open');
  });
});
