import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AppContext } from '../../connector/cli/appContext.js';
import { jobOf } from './support/world.js';
import { REF, startQualysAppsWorld, type QualysAppsWorld } from './support/qualysAppsWorld.js';

const DAY = 86_400_000;
/** Qualys levels 5..1 with DefectDojo's days; info (1) has no SLA. */
const DAYS: Record<string, number | undefined> = { '5': 7, '4': 30, '3': 90, '2': 120 };

describe('e2e: remediation SLAs of Qualys WAS findings (clock from firstDetectedDate), reference template', function () {
  this.timeout(60_000);
  let world: QualysAppsWorld;
  let app: AppContext | undefined;

  beforeEach(async () => {
    world = await startQualysAppsWorld();
  });
  afterEach(async () => {
    app?.state.close();
    await world.close();
  });

  it('due date = first detected + the days of its severity; breached ones labelled', async () => {
    const file = world.writeConfig([{ kind: 'was', name: 'was', template: REF.perWebAppFinding }]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('\njobs:\n', '\nsla: {}\njobs:\n'));
    app = world.open(file);
    const r = await world.cycle(jobOf(app, 'was'), app);
    expect(r.result, r.error).to.equal('ok');
    const today = world.clock.now().toISOString().slice(0, 10);
    let checked = 0;
    for (const f of world.was.data.findings.filter((x) => x.status !== 'FIXED')) {
      const issue = world.jira.issues().find((i) => ((i.fields.labels as string[]) ?? []).includes(`qualys-was-finding-id-${f.id}`));
      expect(issue, `finding ${f.id}`).to.not.equal(undefined);
      const days = DAYS[f.severity];
      const due = days === undefined ? undefined : new Date(Math.floor(Date.parse(f.firstDetectedDate) / DAY) * DAY + days * DAY).toISOString().slice(0, 10);
      expect(issue?.fields.duedate, `finding ${f.id} severity ${f.severity} first ${f.firstDetectedDate}`).to.equal(due);
      expect(((issue?.fields.labels as string[]) ?? []).includes('vb-sla-breached')).to.equal(due !== undefined && due < today);
      checked++;
    }
    expect(checked).to.be.greaterThan(3);
    expect(world.jira.openApiViolations).to.deep.equal([]);
  });
});
