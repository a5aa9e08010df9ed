import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { decideOperation } from '../../connector/templates/decideOperation.js';
import { toAdf } from '../../connector/sinks/jira/format/toAdf.js';
import { toPlain } from '../../connector/templates/format/toPlain.js';
import { toWiki } from '../../connector/sinks/jira/format/toWiki.js';
import { loadScheme, parseScheme } from '../../connector/templates/loadScheme.js';
import { placeholderNames } from '../../connector/templates/modulePlaceholders.js';
import { parseTemplate } from '../../connector/templates/parseTemplate.js';
import { renderTicket } from '../../connector/templates/renderTicket.js';
import type { TicketScheme } from '../../connector/templates/types.js';
import { OURS_DIR } from './paths.js';
import { XRAY_CASES, xrayContext, type XrayCase } from './xrayContext.js';

const PER_VIOLATION = path.join(OURS_DIR, 'xray-per-violation.json');
const COMPONENT_LINKING = path.join(OURS_DIR, 'xray-component-linking.json');
const opts = { projectKey: 'SEC' };

const SUMMARIES: Readonly<Record<XrayCase, string>> = {
  securityWithCve: '[Critical] Security violation XRAY-191893 CVE-2021-44228 in gav://org.apache.logging.log4j:log4j-core:2.14.1 (watch prod-watch)',
  securityWithoutCve: '[High] Security violation XRAY-96224 in npm://flatmap-stream:0.1.1 (watch prod-watch)',
  license: '[Medium] License violation GPL-3.0 in gav://org.example:gpl-lib:1.0 (watch license-watch)',
  operationalRisk: '[Low] Operational_Risk violation XRAY-OPR-1001 in deb://debian:buster:libc6:2.28-10 (watch ops-watch)',
};

const PRIORITIES: Readonly<Record<XrayCase, string>> = {
  securityWithCve: 'Highest',
  securityWithoutCve: 'High',
  license: 'Medium',
  operationalRisk: 'Low',
};

const LABELS: Readonly<Record<XrayCase, string[]>> = {
  securityWithCve: ['vulnbridge', 'xray', 'xray-watch-prod-watch', 'xray-type-Security', 'xray-severity-Critical', 'xray-issue-XRAY-191893'],
  securityWithoutCve: ['vulnbridge', 'xray', 'xray-watch-prod-watch', 'xray-type-Security', 'xray-severity-High', 'xray-issue-XRAY-96224'],
  license: ['vulnbridge', 'xray', 'xray-watch-license-watch', 'xray-type-License', 'xray-severity-Medium', 'xray-issue-GPL-3.0'],
  operationalRisk: ['vulnbridge', 'xray', 'xray-watch-ops-watch', 'xray-type-Operational_Risk', 'xray-severity-Low', 'xray-issue-XRAY-OPR-1001'],
};

/** The violation ticket: flat in one scheme, the related ticket in the other. */
const VIOLATION_SCHEMES: ReadonlyArray<{ file: string; role: 'single' | 'child' }> = [
  { file: PER_VIOLATION, role: 'single' },
  { file: COMPONENT_LINKING, role: 'child' },
];

describe('templates/xray (our JFrog Xray templates)', () => {
  it('both load and validate with zero problems', () => {
    const flat = loadScheme(PER_VIOLATION);
    const linked = loadScheme(COMPONENT_LINKING);
    expect([flat.moduleName, flat.kind, linked.moduleName, linked.kind]).to.deep.equal(['XRAY', 'single', 'XRAY', 'linked']);
  });

  for (const { file, role } of VIOLATION_SCHEMES) {
    describe(`${path.basename(file)}: the violation ticket (${role})`, () => {
      const scheme = loadScheme(file);

      for (const which of XRAY_CASES) {
        it(`renders the ${which} case: summary, Primary Key, labels, priority`, () => {
          const ctx = xrayContext(which);
          const t = renderTicket(scheme, role, ctx, opts);
          expect(t.summary).to.equal(SUMMARIES[which]);
          expect(t.summary).to.not.match(/ {2}|\( | \)|\(\)|: *$/);
          expect(t.primaryKey).to.equal(ctx.VIOLATION_KEY);
          expect(t.labels).to.deep.equal(LABELS[which]);
          expect(t.priority).to.equal(PRIORITIES[which]);
          expect(t.issueType).to.equal('Task');
          // Text that is not collapsed to one line: its first lines must not gap either.
          const firstLine = (text: string): string => text.split('\n')[0] ?? '';
          expect(firstLine(toPlain(t.description))).to.not.include('  ');
          expect(firstLine(toPlain(t.comment ?? []))).to.not.include('  ');
        });
      }

      it('leaves no gap without a CVE and an issue id, and drops the issue label', () => {
        const t = renderTicket(scheme, role, xrayContext('securityWithCve', { ISSUE_ID: '', CVE: '', WATCH: 'team a' }), opts);
        expect(t.summary).to.equal('[Critical] Security violation in gav://org.apache.logging.log4j:log4j-core:2.14.1 (watch team a)');
        expect(t.labels).to.deep.equal(['vulnbridge', 'xray', 'xray-watch-team_a', 'xray-type-Security', 'xray-severity-Critical']);
      });

      it('gives Information and Unknown severities Low priority', () => {
        for (const rank of [1, 0]) expect(renderTicket(scheme, role, xrayContext('license', { SEVERITY_RANK: rank }), opts).priority).to.equal('Low');
      });

      it('describes the violation in sections with the values of its type', () => {
        const plain = (which: XrayCase): string => toPlain(renderTicket(scheme, role, xrayContext(which), opts).description);
        const cve = plain('securityWithCve');
        expect(cve).to.include('Severity: Critical (as sent by Xray: Critical)');
        expect(cve).to.include('CVSS v3: 10 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H');
        expect(cve).to.include('CWE: CWE-502, CWE-400, CWE-20');
        expect(cve).to.include('Fix versions: 2.15.0');
        expect(cve).to.include('Watch violations: https://acme.jfrog.io/ui/watchesNew/edit/prod-watch?activeTab=violations');
        expect(cve).to.include('REMEDIATION\nUpgrade to `2.15.0` or later');
        expect(plain('securityWithoutCve')).to.include('Severity: High (as sent by Xray: Major)');
        expect(plain('license')).to.include('License: GPL-3.0\nLicense name: GNU General Public License v3.0');
        expect(plain('operationalRisk')).to.include('Risk: Low\nReason: Debian 10 (buster) reached end of life on 2024-06-30');
      });

      it('changes the comment only for a new severity, fix version or contextual analysis', () => {
        const comment = (overrides = {}): string => toPlain(renderTicket(scheme, role, xrayContext('securityWithCve', overrides), opts).comment ?? []);
        const base = comment();
        expect(base).to.include('Severity: Critical\nFix versions: 2.15.0\nContextual analysis: applicable');
        // Values that drift between pulls without news for the assignee.
        expect(comment({ CREATED: '2025-01-01T00:00:00Z', IMPACTED_ARTIFACTS: ['default/other/x.jar'], VIOLATION_ID: '9' })).to.equal(base);
        expect(comment({ FIX_VERSIONS: ['2.15.0', '2.12.2'] })).to.not.equal(base);
        expect(comment({ SEVERITY: 'High' })).to.not.equal(base);
      });

      it('escapes Jira markup in scanner text (wiki) and keeps it literal (ADF)', () => {
        const hostile = 'JNDI *lookup* {code}x{code} [link|http://evil.example] a|b';
        const t = renderTicket(scheme, role, xrayContext('securityWithCve', { SUMMARY: hostile, DESCRIPTION: hostile }), opts);
        expect(toWiki(t.description)).to.include('JNDI \\*lookup\\* \\{code\\}x\\{code\\} \\[link\\|http://evil.example\\] a\\|b');
        expect(JSON.stringify(toAdf(t.description))).to.include(JSON.stringify(hostile).slice(1, -1));
      });
    });
  }

  describe('decideOperation', () => {
    const flat = loadScheme(PER_VIOLATION);
    const linked = loadScheme(COMPONENT_LINKING);
    const decide = (scheme: TicketScheme, status: string, ignored: boolean) => decideOperation(scheme, xrayContext('license', { STATUS: status }), ignored);

    it('opens Active violations and closes Resolved and ignored ones (Jira simplified workflow)', () => {
      expect(decide(flat, 'Active', false)).to.deep.equal({ key: 'Active', op: 'open', workflowStatus: 'To Do' });
      expect(decide(flat, 'Resolved', false)).to.deep.equal({ key: 'Resolved', op: 'close', workflowStatus: 'Done' });
      expect(decide(flat, 'Active', true)).to.deep.equal({ key: 'Active/Ignored', op: 'close', workflowStatus: 'Done' });
      expect(decide(flat, 'Resolved', true)).to.deep.equal({ key: 'Resolved/Ignored', op: 'close', workflowStatus: 'Done' });
    });

    it('links and unlinks in the component-linking scheme', () => {
      expect(decide(linked, 'Active', false)).to.deep.equal({ key: 'Active', op: 'link', workflowStatus: 'To Do' });
      expect(decide(linked, 'Resolved', false)).to.deep.equal({ key: 'Resolved', op: 'unlink', workflowStatus: 'Done' });
      expect(decide(linked, 'Active', true)).to.deep.equal({ key: 'Active/Ignored', op: 'unlink', workflowStatus: 'Done' });
    });
  });

  describe('xray-component-linking.json: the parent ticket', () => {
    const scheme = loadScheme(COMPONENT_LINKING);

    it('is one ticket per component, with the Jira default priority', () => {
      const t = renderTicket(scheme, 'parent', xrayContext('securityWithCve'), opts);
      expect(t.primaryKey).to.equal('Component:gav://org.apache.logging.log4j:log4j-core:2.14.1');
      expect(t.summary).to.equal('Xray: gav://org.apache.logging.log4j:log4j-core:2.14.1 has policy violations');
      expect(t.labels).to.deep.equal(['vulnbridge', 'xray', 'xray-component', 'xray-package-gav']);
      expect(t.priority).to.equal(undefined);
      expect(toPlain(t.description)).to.include('Name: org.apache.logging.log4j:log4j-core\nVersion: 2.14.1\nPackage type: gav');
    });

    it('renders the same for every violation of the component (any watch, issue or type)', () => {
      // The pipeline renders the parent from whichever violation comes first: it must not flip.
      const a = renderTicket(scheme, 'parent', xrayContext('license'), opts);
      const b = renderTicket(scheme, 'parent', xrayContext('securityWithCve', {
        ...Object.fromEntries(['COMPONENT', 'COMPONENT_NAME', 'COMPONENT_VERSION', 'PACKAGE_TYPE'].map((k) => [k, xrayContext('license')[k] ?? ''])),
      }), opts);
      expect(b).to.deep.equal(a);
    });
  });

  it('a CVSS priority rule (the guide\'s alternative) validates, but leaves violations without CVSS to Jira', () => {
    const text = readFileSync(PER_VIOLATION, 'utf8').replace(
      /"priorityMapping": \{[^]*?\}\s*\}/,
      '"priorityMapping": {"matchWith": "${CVSS_SCORE}", "criteria": {"Highest": "9-10", "High": "7-8", "Medium": "4-6", "Low": "0-3"}}',
    );
    const scheme = parseScheme(text, PER_VIOLATION);
    const priority = (which: XrayCase, cvss?: number) =>
      renderTicket(scheme, 'single', xrayContext(which, cvss === undefined ? {} : { CVSS_SCORE: cvss }), opts).priority;
    expect([priority('securityWithCve'), priority('securityWithCve', 8.9), priority('securityWithCve', 6.9), priority('securityWithCve', 0)])
      .to.deep.equal(['Highest', 'High', 'Medium', 'Low']);
    expect([priority('securityWithoutCve'), priority('license'), priority('operationalRisk')]).to.deep.equal([undefined, undefined, undefined]);
  });

  it('docs/templates.md documents every XRAY placeholder', () => {
    const guide = readFileSync('docs/templates.md', 'utf8');
    expect(guide).to.include('### XRAY');
    for (const name of placeholderNames('XRAY')) expect(guide, name).to.include(`\${${name}}`);
  });

  it('our templates use only XRAY placeholders and the violation ticket uses nearly all of them', () => {
    const scheme = loadScheme(PER_VIOLATION);
    const t = scheme.tickets.single;
    const priority = t?.priority.jiraDefault === false ? t.priority.matchWith : '';
    const texts = [t?.summary, t?.description, t?.comment, priority, ...(t?.labels ?? [])];
    const used = new Set(texts.flatMap((s) => parseTemplate(s ?? '').placeholders));
    // Left out on purpose: the identity (it is the Primary Key), the platform URL (inside
    // WATCH_URL and DETAILS_URL), CVSS_SCORE (the description shows v3 and v2 apart) and
    // STATUS (the operationField: in the text it would cost an update on every close),
    // IMPACTED_ARTIFACT_DETAILS (the objects behind IMPACTED_ARTIFACTS, for incident events)
    // and the SLA placeholders (every module's, for jobs with an `sla:` policy: docs/sla.md).
    const unused = placeholderNames('XRAY').filter((n) => !used.has(n) && !n.startsWith('SLA.'));
    expect(unused.sort()).to.deep.equal(['CVSS_SCORE', 'IMPACTED_ARTIFACT_DETAILS', 'PLATFORM_URL', 'PROJECT_KEY', 'STATUS', 'VIOLATION_KEY']);
  });
});
