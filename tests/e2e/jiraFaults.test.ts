import { expect } from 'chai';
import path from 'node:path';
import type { AppContext } from '../../connector/cli/appContext.js';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import type { SimIssue } from '../sim/jira/simStore.js';
import { issueDetectionId, openIds } from './support/detections.js';
import { cycle, jobOf, OUR_TEMPLATES, startWorld, withTestRetries, type World } from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');

function markersOf(issue: SimIssue): string[] {
  return ((issue.fields.labels as string[]) ?? []).filter((l) => /^vb-[0-9a-f]{24}$/.test(l));
}

describe('e2e: Jira faults during a first sync (bulk creates tried again within the cycle)', () => {
  let world: World;
  let app: AppContext;
  let rt: JobRuntime;

  async function start(data: { seed: number; hosts: number; detectionsPerHost: number }): Promise<void> {
    world = await startWorld({ qualys: data, jira: { flavor: 'cloud', data: simplifiedWorkflowData() } });
    app = world.open(world.writeConfig([{ name: 'vmdr', template: PER_DETECTION, project: 'VULN', flavor: 'cloud' }]));
    rt = withTestRetries(jobOf(app, 'vmdr'));
  }

  afterEach(async () => {
    app?.state.close();
    await world?.close();
  });

  it('a bulk create whose answer is lost (502 after Jira made the issues) is found by marker and not made twice, in the same cycle', async () => {
    await start({ seed: 11, hosts: 5, detectionsPerHost: 4 });
    const expected = openIds(world.qualys.data);
    world.jira.failNext(502, { afterApply: true, match: /POST .*\/issue\/bulk$/ });
    const r = await cycle(world, rt, app);
    expect(r.result, r.error).to.equal('ok');
    expect(r.counts).to.include({ created: expected.size, failed: 0 });
    const bulks = world.jira.requests.filter((q) => q.path.endsWith('/issue/bulk')).map((q) => q.status);
    expect(bulks).to.deep.equal([502]);
    expect(world.jira.issues()).to.have.length(expected.size);
    expect(new Set(world.jira.issues().flatMap(markersOf)).size).to.equal(expected.size);
    // The next cycle finds nothing to do: every ticket is recorded with its key.
    const again = await cycle(world, rt, app);
    expect(again.counts).to.include({ created: 0, failed: 0 });
    expect(again.writes).to.equal(0);
  });

  it('a bulk create refused at the host (503 past the HTTP retries) is sent again within the cycle', async () => {
    await start({ seed: 11, hosts: 5, detectionsPerHost: 4 });
    const expected = openIds(world.qualys.data);
    // withTestRetries allows 2 HTTP retries: 3 refusals exhaust them once.
    world.jira.failNext(503, { retryAfter: 0, times: 3, match: /POST .*\/issue\/bulk$/ });
    const r = await cycle(world, rt, app);
    expect(r.result, r.error).to.equal('ok');
    expect(r.counts).to.include({ created: expected.size, failed: 0 });
    expect(world.jira.requests.filter((q) => q.path.endsWith('/issue/bulk')).map((q) => q.status)).to.deep.equal([503, 503, 503, 201]);
    expect(world.jira.issues().map(issueDetectionId)).to.have.members([...expected]);
  });

  it('under 20 % injected faults (lost answers included) a first sync of 1,700 detections converges within 2 cycles with no duplicate', async () => {
    await start({ seed: 7, hosts: 340, detectionsPerHost: 5 });
    const expected = openIds(world.qualys.data);
    world.jira.faults({ rate: 0.2, seed: 42, lostAnswers: 0.5 });
    const reports = [];
    for (let n = 0; n < 2; n++) reports.push(await cycle(world, rt, app));
    world.jira.faults(undefined);
    expect(world.jira.faultCount()).to.be.greaterThan(3);
    const markers = world.jira.issues().flatMap(markersOf);
    expect(markers.length, 'no ticket twice').to.equal(new Set(markers).size);
    expect(world.jira.issues().map(issueDetectionId)).to.have.members([...expected]);
    // A cycle may still end early when a read fails past the HTTP retries (here 2, in production 5): the next one finishes.
    expect(reports[1]?.result, reports[1]?.error).to.not.equal('failed');
    // Converged: a third cycle without faults has nothing left to create.
    const after = await cycle(world, rt, app);
    expect(after.counts).to.include({ created: 0, failed: 0 });
  });
});
