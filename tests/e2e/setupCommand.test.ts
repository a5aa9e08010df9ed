import { expect } from 'chai';
import path from 'node:path';
import { openApp, readConfig } from '../../connector/cli/appContext.js';
import type { Logger } from '../../connector/log.js';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import { setupCommand } from '../../connector/cli/commands/setupCommand.js';
import { validateCommand } from '../../connector/cli/commands/validateCommand.js';
import type { SimData } from '../sim/jira/simData.js';
import { cycle, jiraWrites, jobOf, OUR_TEMPLATES, REFERENCE_TEMPLATES, startWorld, type World } from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');
const REF_PER_DETECTION = path.join(REFERENCE_TEMPLATES, 'Per_Detection_Separate_Ticket_Scheme.json');
const DATA = { seed: 11, hosts: 3, detectionsPerHost: 3 };
const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Info'];
const SCANNERS = ['Qualys VMDR', 'Qualys WAS', 'Qualys Container Security', 'JFrog Xray'];

/** A Jira as a new instance has it: no custom field but the identity's. */
function freshJira(): SimData {
  const data = simplifiedWorkflowData();
  data.fields = data.fields.filter((f) => !f.custom || f.name === 'Primary Key');
  return data;
}

async function setup(world: World, configFile: string, apply: boolean): Promise<{ code: number; text: string; writes: string[] }> {
  const lines: string[] = [];
  const from = world.jira.requests.length;
  const code = await setupCommand(readConfig(configFile), { apply, out: (l) => lines.push(l) });
  return { code, text: lines.join('\n'), writes: jiraWrites(world.jira, from) };
}

for (const flavor of ['cloud', 'datacenter'] as const) {
  describe(`e2e: vulnbridge setup on Jira ${flavor === 'cloud' ? 'Cloud (REST v3)' : 'Data Center (REST v2)'}`, () => {
    let world: World;
    let configFile: string;
    beforeEach(async () => {
      world = await startWorld({ qualys: DATA, jira: { flavor, data: freshJira() } });
      configFile = world.writeConfig([{ name: 'vmdr', template: PER_DETECTION, flavor }]);
    });
    afterEach(() => world.close());

    it('lists what is missing, creates it, then makes 0 writes, and a run fills the typed fields', async () => {
      const dry = await setup(world, configFile, false);
      expect(dry.code, dry.text).to.equal(0);
      expect(dry.writes).to.deep.equal([]);
      expect(dry.text).to.include('(dry run)');
      for (const line of [
        'QDS: number (Number Field)',
        'TruRisk Score: number',
        'CVSS Score: number',
        'First Found: date-time (Date Time Picker)',
        'Last Found: date-time',
        'CVE IDs: labels (Labels)',
        'Asset Tags: labels',
        'Host: single line text',
        `Severity: select (${SEVERITIES.join(', ')})`,
        `Scanner: select (${SCANNERS.join(', ')})`,
      ]) {
        expect(dry.text).to.include(line);
      }
      expect(dry.text).to.not.include('Primary Key:');
      expect(dry.text).to.include(flavor === 'cloud' ? 'QDS → screen 1 (create screen of Task, edit screen of Task)' : 'QDS → the default screen (create and edit screen of Task in VULN)');
      expect(dry.text).to.include('run `vulnbridge setup --apply`');

      const applied = await setup(world, configFile, true);
      const fieldsCreated = applied.writes.filter((w) => /\/field$/.test(w));
      expect(fieldsCreated).to.have.length(11);
      const field = (name: string) => {
        const f = world.jira.data.fields.find((x) => x.name === name);
        if (!f) throw new Error(`no field ${name}`);
        return f;
      };
      expect(field('QDS').schema?.custom).to.match(/:float$/);
      expect(field('First Found').schema?.custom).to.match(/:datetime$/);
      expect(field('CVE IDs').schema?.custom).to.match(/:labels$/);
      expect(field('Severity').schema?.custom).to.match(/:select$/);
      if (flavor === 'cloud') {
        expect(applied.code, applied.text).to.equal(0);
        expect(field('Severity').options).to.deep.equal(SEVERITIES);
        expect(field('Scanner').options).to.deep.equal(SCANNERS);
        expect(applied.writes.filter((w) => w.includes('/screens/1/tabs/10000/fields'))).to.have.length(11);
        expect(world.jira.openApiViolations).to.deep.equal([]);
        expect(world.jira.responseViolations).to.deep.equal([]);
      } else {
        // Data Center has no REST API for select options: setup says so, an admin adds them by hand.
        expect(applied.code).to.equal(1);
        expect(applied.text).to.match(/Severity: Critical, High, Medium, Low, Info .*for a person to do: Data Center has no REST API for select options/);
        expect(applied.writes.filter((w) => w.includes('/screens/addToDefault/'))).to.have.length(11);
        field('Severity').options = [...SEVERITIES];
        field('Scanner').options = [...SCANNERS];
      }

      const again = await setup(world, configFile, true);
      expect(again.code, again.text).to.equal(0);
      expect(again.writes).to.deep.equal([]);
      expect(again.text).to.include('0 write(s) to Jira');
      expect(again.text).to.include('every field the templates fill exists');

      const app = world.open(configFile);
      try {
        const report = await cycle(world, jobOf(app, 'vmdr'), app);
        expect(report.result, report.error).to.equal('ok');
        expect(report.counts.failed).to.equal(0);
        const issues = world.jira.issues();
        expect(issues.length).to.be.greaterThan(0);
        for (const issue of issues) {
          expect(issue.fields[field('QDS').id], issue.key).to.be.a('number');
          expect(issue.fields[field('First Found').id]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
          expect(SEVERITIES).to.include((issue.fields[field('Severity').id] as { value: string }).value);
          expect(issue.fields[field('Scanner').id]).to.deep.equal({ value: 'Qualys VMDR' });
        }
        const cves = issues.map((i) => i.fields[field('CVE IDs').id]).filter((v) => v !== undefined) as string[][];
        expect(cves.length).to.be.greaterThan(0);
        for (const labels of cves) for (const l of labels) expect(l).to.match(/^CVE-\d{4}-\d+$/);
      } finally {
        app.state.close();
      }
    });

    it('before setup, a run writes the tickets without the missing fields and warns once per cycle', async () => {
      const warnings: Array<{ message: string; meta: Record<string, unknown> }> = [];
      const noop = () => {};
      const log = { error: noop, info: noop, debug: noop, warn: (message: string, meta: Record<string, unknown> = {}) => warnings.push({ message, meta }), child: () => log };
      const app = openApp(readConfig(configFile), { log: log as unknown as Logger });
      try {
        for (let i = 0; i < 2; i++) {
          const r = await cycle(world, jobOf(app, 'vmdr'), app);
          expect(r.result, r.error).to.equal('ok');
          expect(r.counts.failed).to.equal(0);
        }
      } finally {
        app.state.close();
      }
      expect(world.jira.issues().length).to.be.greaterThan(0);
      const skipped = warnings.filter((w) => w.message.includes('left out of the tickets'));
      expect(skipped).to.have.length(2);
      expect(skipped[0]?.meta.fields).to.include.members(['QDS', 'First Found', 'CVE IDs', 'Severity', 'Scanner']);
      expect(skipped[0]?.meta.fields).to.not.include('Primary Key');

      // validate --online passes and says what tickets leave out.
      const lines: string[] = [];
      expect(await validateCommand({ config: configFile, configGiven: true, online: true, templates: world.dir, out: (t) => lines.push(t) })).to.equal(0);
      expect(lines.join('\n')).to.match(/! VULN: Jira lacks .*QDS.*; tickets leave them out until `vulnbridge setup --apply` creates them/);
    });

    it('without Administer Jira: names the permission, lists what to create by hand, writes nothing', async () => {
      world.jira.data.admin = false;
      const r = await setup(world, configFile, true);
      expect(r.code).to.equal(1);
      expect(r.writes).to.deep.equal([]);
      expect(r.text).to.include('lacks the Administer Jira global permission (ADMINISTER)');
      expect(r.text).to.include('nothing was changed');
      expect(r.text).to.include('QDS: number (Number Field)');
      expect(r.text).to.include('QDS → create and edit screens of Task in VULN');
      expect(r.text).to.include('for a person to do');
    });

    if (flavor === 'cloud') {
      it('puts the fields on the create and the edit screen when the project\'s screen scheme has both', async () => {
        const d = world.jira.data;
        d.screens?.push({ id: 2, name: 'VULN: Create Screen', tabs: [{ id: 10010, name: 'Field Tab', fields: [] }] }, { id: 3, name: 'VULN: Edit Screen', tabs: [{ id: 10020, name: 'Field Tab', fields: [] }, { id: 10021, name: 'Details', fields: [] }] });
        d.screenSchemes?.push({ id: 2, name: 'VULN: Screen Scheme', screens: { default: 1, create: 2, edit: 3 } });
        const defaults = d.issueTypeScreenSchemes?.[0];
        if (defaults) defaults.projectIds = ['10001'];
        d.issueTypeScreenSchemes?.push({ id: '2', name: 'VULN: Issue Type Screen Scheme', projectIds: ['10000'], mappings: { default: 1, 10001: 2 } });
        const dry = await setup(world, configFile, false);
        expect(dry.text).to.include('QDS → screen 2 (create screen of Task)');
        expect(dry.text).to.include('QDS → screen 3 (edit screen of Task)');
        const applied = await setup(world, configFile, true);
        expect(applied.code, applied.text).to.equal(0);
        expect(applied.writes.filter((w) => w.includes('/screens/2/tabs/10010/fields'))).to.have.length(11);
        expect(applied.writes.filter((w) => w.includes('/screens/3/tabs/10020/fields'))).to.have.length(11);
        expect(applied.writes.filter((w) => w.includes('/screens/1/'))).to.deep.equal([]);
        expect((await setup(world, configFile, true)).writes).to.deep.equal([]);
        expect(world.jira.openApiViolations).to.deep.equal([]);
        expect(world.jira.responseViolations).to.deep.equal([]);
      });
    }

    if (flavor === 'datacenter') {
      it('says which fields a person must put on screens when the project does not use the default screen', async () => {
        const d = world.jira.data;
        d.screens?.push({ id: 2, name: 'VULN: Screen', tabs: [{ id: 10010, name: 'Field Tab', fields: [] }] });
        d.screenSchemes?.push({ id: 2, name: 'VULN: Screen Scheme', screens: { default: 2 } });
        const defaults = d.issueTypeScreenSchemes?.[0];
        if (defaults) defaults.projectIds = ['10001'];
        d.issueTypeScreenSchemes?.push({ id: '2', name: 'VULN: Issue Type Screen Scheme', projectIds: ['10000'], mappings: { default: 2 } });
        const applied = await setup(world, configFile, true);
        expect(applied.code).to.equal(1);
        expect(applied.text).to.match(/QDS → the default screen .*for a person to do: the project does not use the default screen/);
        const again = await setup(world, configFile, true);
        expect(again.writes).to.deep.equal([]);
        expect(again.text).to.match(/QDS → the create and edit screens of Task in VULN .*for a person to do: the project does not use the default screen/);
      });
    }

    it('creates the Qualys reference template\'s fields the same way, with kinds from the placeholders', async () => {
      const ref = world.writeConfig([{ name: 'ref', template: REF_PER_DETECTION, flavor }], 'ref.yml');
      const dry = await setup(world, ref, false);
      expect(dry.code, dry.text).to.equal(0);
      for (const line of ['QDS: number', 'CVSS V3 Base: number', 'Published Datetime: date-time', 'CVEs: labels', 'Asset Tag: labels', 'Diagnosis: paragraph', 'OS: single line text']) {
        expect(dry.text).to.include(line);
      }
      const applied = await setup(world, ref, true);
      expect(applied.writes.length).to.be.greaterThan(0);
      const again = await setup(world, ref, true);
      expect(again.writes).to.deep.equal([]);
    });
  });
}
