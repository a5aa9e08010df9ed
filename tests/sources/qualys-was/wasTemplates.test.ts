import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import nock from 'nock';
import type { Finding, TemplateContext } from '../../../connector/model/finding.js';
import { buildContext } from '../../../connector/pipeline/buildContext.js';
import { openStateBundle, type State } from '../../../connector/state/stateBundle.js';
import { loadScheme } from '../../../connector/templates/loadScheme.js';
import { decideOperation, renderTicket } from '../../../connector/templates/render.js';
import { resolvePath, stringifyValue } from '../../../connector/templates/stringifyValue.js';
import type { TicketScheme } from '../../../connector/templates/types.js';
import { toPlain } from '../../../connector/templates/format/toPlain.js';
import { REFERENCE_DIR } from '../../templates/paths.js';
import { QUALYS_WAS_SIM_CREDENTIALS, startQualysWasSim, type QualysWasSim } from '../../sim/qualys-was/index.js';
import { BASE, enrichContext, KB, KB_150112, makeWasSource, pullAll, SEARCH, verboseSample } from './wasTestKit.js';

const SCHEMES = ['Per_Web_App_Finding_Ticket_Scheme.json', 'WAS_Finding_Vuln_Linking_Ticket_Scheme.json'];

/** Every `${...}` a reference template file uses. */
function placeholdersOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...new Set([...text.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!))];
}

/** Pull + enrich through the source, lookups stored in a real LookupCache, contexts built as the pipeline does. */
async function contextsFrom(source: ReturnType<typeof makeWasSource>, state: State): Promise<Array<{ finding: Finding; ctx: TemplateContext }>> {
  const findings = (await pullAll(source)).pages.flatMap((p) => p.findings);
  const qids = [...new Set(findings.flatMap((f) => (f.lookups ?? []).map((l) => l.id)))];
  const enrich = enrichContext({ 'qualys.kb': qids });
  await source.enrich(enrich);
  state.lookups.putMany(enrich.puts);
  return findings.map((finding) => ({ finding, ctx: buildContext(finding, state.lookups, 'SEC') }));
}

/** Information-gathered findings have no OWASP/CWE classification (search-page sample); all else must be filled. */
function expectAllFilled(ctx: TemplateContext, file: string): void {
  const mayBeEmpty = ctx.ISSUE_TYPE === 'INFORMATION_GATHERED' ? ['OWASP', 'CWE'] : [];
  for (const p of placeholdersOf(file)) {
    if (p === 'PROJECT_KEY' || mayBeEmpty.includes(p)) continue;
    expect(stringifyValue(resolvePath(ctx, p)).trim(), `${path.basename(file)} ${p}`).to.not.equal('');
  }
}

function renderAll(scheme: TicketScheme, finding: Finding, ctx: TemplateContext) {
  const roles = scheme.kind === 'linked' ? (['parent', 'child'] as const) : (['single'] as const);
  return { decision: decideOperation(scheme, ctx, finding.ignored), tickets: roles.map((r) => renderTicket(scheme, r, ctx, { projectKey: 'SEC' })) };
}

describe('qualys-was: the two Qualys WAS reference templates render from produced findings', () => {
  let state: State;
  beforeEach(() => {
    state = openStateBundle(':memory:');
  });
  afterEach(() => state.close());

  describe('from the sim (KB with details=All)', () => {
    let sim: QualysWasSim;
    before(async () => {
      sim = await startQualysWasSim({ webApps: 2, findingsPerApp: 5, seed: 3 });
    });
    after(() => sim.close());

    it('fills every placeholder of both schemes and maps every status to an operation', async () => {
      const source = makeWasSource({ url: sim.url }, { username: QUALYS_WAS_SIM_CREDENTIALS.username, password: QUALYS_WAS_SIM_CREDENTIALS.password });
      const produced = await contextsFrom(source, state);
      expect(produced).to.have.length(10);
      for (const name of SCHEMES) {
        const file = path.join(REFERENCE_DIR, name);
        const scheme = loadScheme(file);
        for (const { finding, ctx } of produced) {
          expectAllFilled(ctx, file);
          const { decision, tickets } = renderAll(scheme, finding, ctx);
          expect(decision.op).to.equal(finding.status === 'FIXED' ? (scheme.kind === 'linked' ? 'unlink' : 'close') : scheme.kind === 'linked' ? 'link' : 'open');
          const last = tickets.at(-1)!;
          expect(last.primaryKey).to.include(`Finding ID:${String(ctx.ID)}-QID:${String(ctx.QID)}`);
          expect(toPlain(last.attachment ?? [])).to.include(String(ctx.RESULT).slice(0, 40));
          expect(last.priority).to.equal(['Lowest', 'Low', 'Medium', 'High', 'Highest'][Number(ctx.SEVERITY) - 1]);
        }
      }
      expect(produced.filter((p) => p.ctx.ISSUE_TYPE === 'VULNERABILITY')).to.have.length.greaterThan(5);
      const statuses = new Set(produced.map((p) => p.finding.status));
      expect([...statuses].sort()).to.include.members(['ACTIVE', 'FIXED', 'NEW']);
    });
  });

  describe('from the Qualys samples (nock)', () => {
    it('renders the verbose sample with the sample KB entry of QID 150112', async () => {
      nock(BASE).post(SEARCH).reply(200, verboseSample()).post(KB).reply(200, KB_150112());
      const [one] = await contextsFrom(makeWasSource(), state);
      const { finding, ctx } = one!;
      const scheme = loadScheme(path.join(REFERENCE_DIR, SCHEMES[0]!));
      const { decision, tickets } = renderAll(scheme, finding, ctx);
      const t = tickets[0]!;
      // The sample finding is ignored in Qualys; WAS templates have no "/Ignored" keys, so STATUS decides.
      expect(decision).to.deep.include({ key: 'ACTIVE', op: 'open', workflowStatus: 'Open' });
      expect(t.summary).to.equal('Qualys QID 150112 detected on PCI Serverless Scan (Qualys Web App ID: 1)');
      expect(t.primaryKey).to.equal('Web App ID:1-Finding ID:12499746-QID:150112');
      expect(t.labels).to.deep.equal(['qualys-was-finding-id-12499746', 'qid-150112']);
      const field = (n: string): string | undefined => t.customFields.find((f) => f.name === n)?.text;
      expect(field('CVSS V3 Base')).to.equal('3.7');
      expect(field('CVSS Base')).to.equal('0.0');
      expect(field('OWASP')).to.equal('Security Misconfiguration');
      expect(field('Detection type')).to.equal('Confirmed');
      expect(field('Threat')).to.include('An HTML form that collects sensitive information');
      // The sample KB has no ATTACK/VECTOR, but the finding carries cvssV3.attackVector: every placeholder is filled.
      const empty = placeholdersOf(path.join(REFERENCE_DIR, SCHEMES[0]!)).filter((p) => p !== 'PROJECT_KEY' && stringifyValue(resolvePath(ctx, p)).trim() === '');
      expect(empty).to.deep.equal([]);
      expect(field('CVSS V3 Attack Vector')).to.equal('Network');
    });

    /** The verbose sample with its cvssV3 replaced (or removed), rendered with the sample KB entry (no ATTACK/VECTOR). */
    async function withCvss(cvssV3: Record<string, unknown> | undefined) {
      const body = verboseSample();
      const finding = body.ServiceResponse.data[0]!.Finding;
      if (cvssV3) finding.cvssV3 = cvssV3;
      else delete finding.cvssV3;
      nock(BASE).post(SEARCH).reply(200, body).post(KB).reply(200, KB_150112());
      const [one] = await contextsFrom(makeWasSource(), state);
      return one!.ctx.VULN as TemplateContext;
    }

    it('CVSS v3 comes from the finding first (its cvssV3), then the KB fields, then the KB vector string', async () => {
      // The finding's own values win over the KB's (3.7 / 3.6 / AV:N).
      expect(await withCvss({ base: 4.2, temporal: 3.9, attackVector: 'Adjacent Network' })).to.include({
        CVSS_V3_BASE: '4.2',
        CVSS_V3_TEMPORAL: '3.9',
        CVSS_V3_ATTACK_VECTOR: 'Adjacent Network',
      });
      // What the finding lacks comes from the KB: scores from BASE/TEMPORAL, attack vector from VECTOR_STRING.
      expect(await withCvss({ base: 5.1 })).to.include({ CVSS_V3_BASE: '5.1', CVSS_V3_TEMPORAL: '3.6', CVSS_V3_ATTACK_VECTOR: 'Network' });
      expect(await withCvss(undefined)).to.include({ CVSS_V3_BASE: '3.7', CVSS_V3_TEMPORAL: '3.6', CVSS_V3_ATTACK_VECTOR: 'Network' });
    });
  });
});
