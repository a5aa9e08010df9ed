import { expect } from 'chai';
import path from 'node:path';
import type { AppContext } from '../../connector/cli/appContext.js';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { statusCommand } from '../../connector/cli/commands/statusCommand.js';
import type { JobRuntime } from '../../connector/pipeline/jobRuntime.js';
import type { SimIssue } from '../sim/jira/simStore.js';
import { openIds, issueDetectionId } from './support/detections.js';
import { cycle, jobOf, OUR_TEMPLATES, startWorld, type World } from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');

function markersOf(issue: SimIssue): string[] {
  return ((issue.fields.labels as string[]) ?? []).filter((l) => /^vb-[0-9a-f]{24}$/.test(l));
}

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`e2e: reconcile of open tickets with Jira ${flavor === 'cloud' ? 'Cloud' : 'Data Center'} (deleted or closed by hand, scanner unchanged)`, () => {
    let world: World;
    let app: AppContext;
    let rt: JobRuntime;

    beforeEach(async () => {
      world = await startWorld({ qualys: { seed: 11, hosts: 5, detectionsPerHost: 4 }, jira: { flavor, data: simplifiedWorkflowData() } });
      app = world.open(world.writeConfig([{ name: 'vmdr', template: PER_DETECTION, project: 'VULN', flavor }]));
      rt = jobOf(app, 'vmdr');
    });
    afterEach(async () => {
      app?.state.close();
      await world?.close();
    });

    const keySearches = (from: number) => world.jira.requests.slice(from).filter((r) => /^key in \(/.test(String(r.query.jql ?? (r.body as { jql?: string } | undefined)?.jql ?? '')));

    it('within one cycle of the reconcile being due: a deleted ticket is created again, one closed by a person is recorded and left closed', async () => {
      const expected = openIds(world.qualys.data);
      const r1 = await cycle(world, rt, app);
      expect(r1.result, r1.error).to.equal('ok');
      const [gone, closed] = world.jira.issues();
      world.jira.deleteIssue(gone!.key);
      world.jira.setStatus(closed!.key, 'Done');
      const goneDetection = issueDetectionId(gone!);

      // An hour later: not due yet, and the scanner changed nothing: nobody notices.
      const mark = world.jira.requests.length;
      const r2 = await cycle(world, rt, app);
      expect(r2.counts).to.include({ created: 0, transitioned: 0 });
      expect(keySearches(mark)).to.have.length(0);

      world.clock.advanceMinutes(24 * 60);
      const r3 = await cycle(world, rt, app);
      expect(r3.result, r3.error).to.equal('ok');
      expect(r3.counts).to.include({ created: 1, failed: 0 });
      expect(world.jira.issues().map(issueDetectionId)).to.have.members([...expected]);
      expect(world.jira.issues().filter((i) => issueDetectionId(i) === goneDetection)).to.have.length(1);
      const markers = world.jira.issues().flatMap(markersOf);
      expect(markers.length).to.equal(new Set(markers).size);
      expect(world.jira.issue(closed!.key)?.status).to.equal('Done');
      expect(app.state.tickets.counts('vmdr')).to.include({ closedByUser: 1, pending: 0 });
      expect(app.state.reconciles.last('vmdr')).to.include({ checked: expected.size, deleted: 1, closedByUser: 1 });
      const lines: string[] = [];
      statusCommand(app.config, { json: false, wide: true, out: (t) => lines.push(t) });
      expect(lines.join('\n')).to.match(new RegExp(`vmdr: open tickets checked against Jira at \\S+: ${expected.size} checked, 1 deleted by hand \\(created again\\), 1 closed by a person`));

      // The ticket a person closed gets no writes while the scanner still says Active.
      const after = world.jira.requests.length;
      world.clock.advanceMinutes(24 * 60);
      const r4 = await cycle(world, rt, app);
      expect(r4.counts).to.include({ created: 0, transitioned: 0, updated: 0 });
      expect(world.jira.requests.slice(after).filter((r) => r.method !== 'GET')).to.deep.equal([]);
      expect(app.state.reconciles.last('vmdr')).to.include({ deleted: 0, closedByUser: 0, checked: expected.size - 1 });
    });

    it('reconcileHours: 0 never asks', async () => {
      app.state.close();
      const config = world.writeConfig([{ name: 'vmdr', template: PER_DETECTION, project: 'VULN', flavor }]);
      const { readFileSync, writeFileSync } = await import('node:fs');
      writeFileSync(config, readFileSync(config, 'utf8').replace(/(\n(\s+)template:)/, '\n$2reconcileHours: 0$1'));
      app = world.open(config);
      rt = jobOf(app, 'vmdr');
      await cycle(world, rt, app);
      world.jira.deleteIssue(world.jira.issues()[0]!.key);
      world.clock.advanceMinutes(48 * 60);
      const mark = world.jira.requests.length;
      const r = await cycle(world, rt, app);
      expect(r.counts.created).to.equal(0);
      expect(keySearches(mark)).to.have.length(0);
      expect(app.state.reconciles.last('vmdr')).to.equal(undefined);
    });
  });
}
