import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AppContext } from '../../connector/cli/appContext.js';
import { severityName } from '../../connector/model/severity.js';
import { runCycle } from '../../connector/pipeline/runCycle.js';
import { jobOf } from './support/world.js';
import { PER_VIOLATION, startXrayWorld, type XrayWorld } from './support/xrayWorld.js';

const DAY = 86_400_000;
const DAYS: Record<string, number | undefined> = { Critical: 7, High: 30, Medium: 90, Low: 120 };

describe('e2e: remediation SLAs of JFrog Xray violations (clock from the violation\'s `created`)', function () {
  this.timeout(60_000);
  let world: XrayWorld;
  let app: AppContext | undefined;

  beforeEach(async () => {
    world = await startXrayWorld();
  });
  afterEach(async () => {
    app?.state.close();
    await world.close();
  });

  it('gives each violation\'s ticket created + the days of its severity (DefectDojo defaults), none for Information/Unknown', async () => {
    const file = world.writeConfig([{ name: 'xray', template: PER_VIOLATION, project: 'VULN' }]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('\njobs:\n', '\nsla: {}\njobs:\n'));
    app = world.open(file);
    const r = await runCycle(jobOf(app, 'xray'), app.state, { now: world.clock.now });
    expect(r.result, r.error).to.equal('ok');
    const pk = world.jira.data.fields.find((f) => f.name === 'Primary Key')?.id as string;
    const byKey = new Map(world.jira.issues().map((i) => [String(i.fields[pk]), i]));
    let checked = 0;
    for (const v of world.xray.data.violations) {
      for (const c of v.infected_components) {
        const issue = byKey.get(`${v.watch_name}|${v.issue_id}|${c}`);
        if (!issue) continue;
        const days = DAYS[severityName(v.severity)];
        const due = days === undefined ? undefined : new Date(Math.floor(Date.parse(v.created) / DAY) * DAY + days * DAY).toISOString().slice(0, 10);
        expect(issue.fields.duedate, `${v.issue_id} ${v.severity} ${v.created}`).to.equal(due);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(5);
    expect(world.jira.openApiViolations).to.deep.equal([]);
  });
});
