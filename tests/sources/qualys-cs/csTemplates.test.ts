import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Finding, TemplateContext } from '../../../connector/model/finding.js';
import { decideOperation } from '../../../connector/templates/decideOperation.js';
import { loadScheme } from '../../../connector/templates/loadScheme.js';
import { parseTemplate } from '../../../connector/templates/parseTemplate.js';
import { renderTicket } from '../../../connector/templates/renderTicket.js';
import { resolvePath, stringifyValue } from '../../../connector/templates/stringifyValue.js';
import { startQualysCsSim, type QualysCsSim } from '../../sim/qualys-cs/startQualysCsSim.js';
import { REFERENCE_DIR } from '../../templates/paths.js';
import { makeCsSource, pullFindings } from './csTestKit.js';

const opts = { projectKey: 'SEC' };

/** Every `${...}` path anywhere in a template file (metadata included). */
function placeholdersOf(file: string): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const p of parseTemplate(v).parts) if (p.kind === 'placeholder') out.add(p.path);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(JSON.parse(readFileSync(file, 'utf8')));
  return [...out];
}

const emptyPlaceholders = (file: string, ctx: TemplateContext): string[] =>
  placeholdersOf(file).filter((p) => p !== 'PROJECT_KEY' && stringifyValue(resolvePath(ctx, p)) === '');

const TEMPLATES = [
  { file: 'CS_Container_Link_Ticket_Scheme.json', objects: 'containers', open: 'linkDiff', close: 'unlinkAll' },
  { file: 'CS_Container_Sub_Ticket_Scheme.json', objects: 'containers', open: 'openDiff', close: 'closeAll' },
  { file: 'CS_Image_Link_Ticket_Scheme.json', objects: 'images', open: 'linkDiff', close: 'unlinkAll' },
  { file: 'CS_Image_Sub_Ticket_Scheme.json', objects: 'images', open: 'openDiff', close: 'closeAll' },
] as const;

describe('qualys-cs: the four reference CS templates run unchanged on pulled findings', () => {
  let sim: QualysCsSim;
  const pulled: Record<'images' | 'containers', Finding[]> = { images: [], containers: [] };
  before(async () => {
    sim = await startQualysCsSim({ images: 3, containersPerImage: 6, vulnsPerObject: 4, seed: 3 });
    for (const objects of ['images', 'containers'] as const) {
      pulled[objects] = (await pullFindings(makeCsSource({ gateway: sim.url, objects }))).findings;
    }
  });
  after(() => sim.close());

  /** A finding whose vulnerability has a port (package QIDs have none). */
  const withPort = (objects: 'images' | 'containers', state?: string): Finding => {
    const f = pulled[objects].find((x) => (x.data.vuln as TemplateContext).port !== null && (!state || x.data.state === state));
    if (!f) throw new Error(`no ${objects} finding with a port${state ? ` in state ${state}` : ''}`);
    return f;
  };

  for (const t of TEMPLATES) {
    describe(t.file, () => {
      const file = path.join(REFERENCE_DIR, t.file);
      const scheme = loadScheme(file);

      it('its module matches the source\'s module for these objects', () => {
        expect(scheme.moduleName).to.equal(t.objects === 'images' ? 'CS-Image' : 'CS-Container');
        expect(makeCsSource({ objects: t.objects }).moduleName).to.equal(scheme.moduleName);
      });

      it('every placeholder it uses is filled from a pulled finding', () => {
        const f = withPort(t.objects);
        expect(emptyPlaceholders(file, f.data)).to.deep.equal([]);
        expect(placeholdersOf(file).length).to.be.greaterThan(30);
      });

      it('renders parent and related ticket: Primary Keys, summary, priority', () => {
        const f = withPort(t.objects);
        const vuln = f.data.vuln as TemplateContext;
        const parent = renderTicket(scheme, 'parent', f.data, opts);
        const child = renderTicket(scheme, 'child', f.data, opts);
        if (t.objects === 'containers') expect(parent.primaryKey).to.equal(`Container SHA:${String(f.data.sha)}`);
        else expect(parent.primaryKey).to.equal(`Repository:${String(f.data.imageRepository)}-Registry:${String(f.data.imageRegistry)}`);
        expect(child.primaryKey).to.equal(`QID:${String(vuln.qid)}-Port:${String(vuln.port)}`);
        expect(child.summary).to.equal(`Qualys QID ${String(vuln.qid)}:${String(vuln.title)} found on port number ${String(vuln.port)}`);
        expect(child.priority).to.equal(['Lowest', 'Low', 'Medium', 'High', 'Highest'][Number(vuln.severity) - 1]);
        expect(parent.priority).to.equal(undefined);
        for (const field of [...parent.customFields, ...child.customFields]) expect(field.text, field.name).to.not.equal('');
      });

      it(`decides ${t.open} for a live object and ${t.close} for a closed one`, () => {
        const live = withPort(t.objects, t.objects === 'containers' ? 'RUNNING' : undefined);
        expect(decideOperation(scheme, live.data, live.ignored).op).to.equal(t.open);
        const closed = t.objects === 'containers' ? withPort('containers', 'DELETED').data : { ...live.data, imageStatus: 'Fixed' };
        const d = decideOperation(scheme, closed, false);
        expect(d.op).to.equal(t.close);
        expect(d.workflowStatus).to.equal('Closed');
      });
    });
  }

  it('CS_Container_Sub\'s "Category" (${vuln.scanType}, a template quirk) is filled too', () => {
    const scheme = loadScheme(path.join(REFERENCE_DIR, 'CS_Container_Sub_Ticket_Scheme.json'));
    const child = renderTicket(scheme, 'child', withPort('containers').data, opts);
    expect(child.customFields.find((f) => f.name === 'Category')!.text).to.equal('DYNAMIC');
  });

  it('container states UNKNOWN/STOPPED/CREATED/PAUSED come through and are all mapped', () => {
    const scheme = loadScheme(path.join(REFERENCE_DIR, 'CS_Container_Link_Ticket_Scheme.json'));
    const states = new Set(pulled.containers.map((f) => String(f.data.state)));
    expect([...states].sort()).to.deep.equal(['CREATED', 'DELETED', 'PAUSED', 'RUNNING', 'STOPPED', 'UNKNOWN']);
    for (const f of pulled.containers) expect(() => decideOperation(scheme, f.data, false)).to.not.throw();
  });
});
