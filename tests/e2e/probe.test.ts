import { expect } from 'chai';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { changeDetection, detectionsById, openIds, issueDetectionId } from './support/detections.js';
import { cycle, jobOf, OUR_TEMPLATES, startWorld } from './support/world.js';

describe('probe', () => {
  it('lost db host linking then fix', async () => {
    const world = await startWorld({ qualys: { seed: 11, hosts: 5, detectionsPerHost: 4 }, jira: { flavor: 'cloud', data: simplifiedWorkflowData() } });
    const file = world.writeConfig([{ name: 'h', project: 'OPS', template: path.join(OUR_TEMPLATES, 'vmdr-host-linking.json') }]);
    let app = world.open(file);
    try {
      await cycle(world, jobOf(app, 'h'), app);
      app.state.close(); rmSync(world.stateDir, { recursive: true, force: true }); app = world.open(file);
      const open = [...openIds(world.qualys.data)];
      const host = '100014';
      const ids = open.filter((id) => id.startsWith(host + '|'));
      for (const id of ids) changeDetection(world.qualys.data, id, world.clock.qualysNow(), (d) => { d.STATUS = 'Fixed'; });
      const r = await cycle(world, jobOf(app, 'h'), app);
      console.log(r.result, r.error, r.counts);
      const parent = world.jira.issues().find((i) => (i.fields.labels as string[]).includes(`qualys-host-${host}`) && !(i.fields.labels as string[]).some((l) => l.startsWith('qid-')))!;
      console.log(parent.key, parent.status, world.jira.links().filter((l) => l.inwardKey === parent.key || l.outwardKey === parent.key));
      for (const i of world.jira.issues()) if (ids.includes(issueDetectionId(i) ?? '')) console.log(i.key, i.status);
      void detectionsById; void expect;
    } finally { app.state.close(); await world.close(); }
  });
  it('deleted issue then qds change', async () => {
    const world = await startWorld({ qualys: { seed: 11, hosts: 5, detectionsPerHost: 4 }, jira: { flavor: 'cloud', data: simplifiedWorkflowData() } });
    const file = world.writeConfig([{ name: 'v', template: path.join(OUR_TEMPLATES, 'vmdr-per-detection.json') }]);
    const app = world.open(file);
    try {
      const rt = jobOf(app, 'v');
      await cycle(world, rt, app);
      const issue = world.jira.issues()[0]!;
      const id = issueDetectionId(issue)!;
      world.jira.deleteIssue(issue.key);
      changeDetection(world.qualys.data, id, world.clock.qualysNow(), (d) => { d.QDS = d.QDS > 50 ? 10 : 95; });
      for (let n = 0; n < 3; n++) {
        const r = await cycle(world, rt, app);
        console.log(r.result, r.counts, app.state.pending.list('v').map((p) => p.error));
      }
      console.log(world.jira.issues().filter((i) => issueDetectionId(i) === id).map((i) => i.key));
    } finally { app.state.close(); await world.close(); }
  });
});
