import { expect } from 'chai';
import { simCall } from './simCall.js';
import { startJiraSim, type JiraSim } from './startJiraSim.js';

const CF = 'com.atlassian.jira.plugin.system.customfieldtypes:';
const call = simCall;

for (const flavor of ['cloud', 'datacenter'] as const) {
  const v = flavor === 'cloud' ? 3 : 2;
  describe(`sim/jira ${flavor}: fields, screens and createmeta/editmeta (what vulnbridge setup calls)`, () => {
    let sim: JiraSim;
    beforeEach(async () => {
      sim = await startJiraSim({ flavor });
    });
    afterEach(() => sim.close());

    it('a created field is settable only once a screen of the project shows it, and createmeta/editmeta say so', async () => {
      const created = await call(sim, 'POST', `/rest/api/${v}/field`, { name: 'QDS Score', type: `${CF}float`, searcherKey: `${CF}numberrange`, description: 'test' });
      expect(created.status).to.equal(201);
      const id = created.body.id as string;
      const meta = async () => {
        const r = await call(sim, 'GET', `/rest/api/${v}/issue/createmeta/VULN/issuetypes/10001`);
        return ((r.body.fields ?? r.body.values) as Array<{ fieldId: string }>).map((f) => f.fieldId);
      };
      expect(await meta()).to.not.include(id);
      expect(await meta()).to.include('customfield_10100'); // a field that predates the simulator is on every screen
      const refused = await call(sim, 'POST', `/rest/api/${v}/issue`, { fields: { project: { key: 'VULN' }, issuetype: { name: 'Task' }, summary: 's', [id]: 5 } });
      expect(refused.status).to.equal(400);

      const tabs = await call(sim, 'GET', `/rest/api/${v}/screens/1/tabs`);
      const tab = tabs.body[0].id;
      expect((await call(sim, 'POST', `/rest/api/${v}/screens/1/tabs/${tab}/fields`, { fieldId: id })).status).to.equal(200);
      expect((await call(sim, 'POST', `/rest/api/${v}/screens/1/tabs/${tab}/fields`, { fieldId: id })).status).to.equal(400);
      expect(await meta()).to.include(id);
      const ok = await call(sim, 'POST', `/rest/api/${v}/issue`, { fields: { project: { key: 'VULN' }, issuetype: { name: 'Task' }, summary: 's', [id]: 5 } });
      expect(ok.status).to.equal(201);
      const edit = await call(sim, 'GET', `/rest/api/${v}/issue/${ok.body.key}/editmeta`);
      expect(Object.keys(edit.body.fields)).to.include(id);
      expect(sim.openApiViolations).to.deep.equal([]);
      expect(sim.responseViolations).to.deep.equal([]);
    });

    it('refuses admin calls without Administer Jira and reports the permission', async () => {
      sim.data.admin = false;
      const perms = await call(sim, 'GET', `/rest/api/${v}/mypermissions?permissions=ADMINISTER`);
      expect(perms.body.permissions.ADMINISTER.havePermission).to.equal(false);
      expect((await call(sim, 'POST', `/rest/api/${v}/field`, { name: 'X', type: `${CF}textfield`, searcherKey: `${CF}textsearcher` })).status).to.equal(403);
    });
  });
}

describe('sim/jira cloud: the project\'s screens through its issue type screen scheme', () => {
  let sim: JiraSim;
  beforeEach(async () => {
    sim = await startJiraSim({ flavor: 'cloud' });
  });
  afterEach(() => sim.close());

  it('follows project → issue type screen scheme → mapping → screen scheme, options on the field context', async () => {
    const schemes = await call(sim, 'GET', '/rest/api/3/issuetypescreenscheme/project?projectId=10000');
    const itss = schemes.body.values[0].issueTypeScreenScheme.id;
    const mapping = await call(sim, 'GET', `/rest/api/3/issuetypescreenscheme/mapping?issueTypeScreenSchemeId=${itss}`);
    expect(mapping.body.values).to.deep.include({ issueTypeScreenSchemeId: '1', issueTypeId: 'default', screenSchemeId: '1' });
    const ss = await call(sim, 'GET', '/rest/api/3/screenscheme?id=1');
    expect(ss.body.values[0].screens).to.deep.equal({ default: 1 });

    const f = await call(sim, 'POST', '/rest/api/3/field', { name: 'Scanner', type: `${CF}select`, searcherKey: `${CF}multiselectsearcher` });
    const contexts = await call(sim, 'GET', `/rest/api/3/field/${f.body.id}/context`);
    const ctx = contexts.body.values[0].id;
    expect((await call(sim, 'POST', `/rest/api/3/field/${f.body.id}/context/${ctx}/option`, { options: [{ value: 'JFrog Xray', disabled: false }] })).status).to.equal(200);
    const options = await call(sim, 'GET', `/rest/api/3/field/${f.body.id}/context/${ctx}/option`);
    expect(options.body.values.map((o: { value: string }) => o.value)).to.deep.equal(['JFrog Xray']);
    expect(sim.openApiViolations).to.deep.equal([]);
    expect(sim.responseViolations).to.deep.equal([]);
  });
});
