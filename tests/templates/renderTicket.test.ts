import path from 'node:path';
import { expect } from 'chai';
import { TemplateError } from '../../connector/errors.js';
import { loadScheme } from '../../connector/templates/loadScheme.js';
import { renderPrimaryKey, renderTicket } from '../../connector/templates/renderTicket.js';
import { toPlain } from '../../connector/templates/format/toPlain.js';
import { HOST_LINKING, PER_DETECTION, REFERENCE_DIR } from './paths.js';
import { vmdrContext } from './vmdrContext.js';

const opts = { projectKey: 'SEC' };

describe('templates/renderTicket', () => {
  describe('our per-detection scheme', () => {
    const scheme = loadScheme(PER_DETECTION);

    it('renders summary, identity, labels and priority from a VMDR finding', () => {
      const t = renderTicket(scheme, 'single', vmdrContext(), opts);
      expect(t.role).to.equal('single');
      expect(t.issueType).to.equal('Task');
      expect(t.summary).to.equal(
        'QID 197597: Ubuntu Security Notification for Linux kernel (AWS) Vulnerabilities (USN-4579-1) on 10.50.2.111',
      );
      expect(t.primaryKey).to.equal('Host ID:12048633-QID:197597-Port:443');
      expect(t.labels).to.deep.equal(['vulnbridge', 'qualys-host-12048633', 'qid-197597']);
      expect(t.priority).to.equal('Highest');
      expect(t.customFields[0]).to.deep.equal(
        { name: 'Primary Key', text: 'Host ID:12048633-QID:197597-Port:443', rich: [
          { text: 'Host ID:', value: false }, { text: '12048633', value: true }, { text: '-QID:', value: false },
          { text: '197597', value: true }, { text: '-Port:', value: false }, { text: '443', value: true },
        ] },
      );
      // The typed fields security dashboards group by (issue 12's shared field names).
      const typed = Object.fromEntries(t.customFields.slice(1).map((f) => [f.name, [f.text, f.type]]));
      expect(typed).to.deep.include({
        Severity: ['4', 'severity'],
        'CVE IDs': ['CVE-2020-16119, CVE-2020-25285', 'labels'],
        'IP Address': ['10.50.2.111', 'text'],
        'Asset Tags': ['Windows Servers, DMZ', 'labels'],
        'TruRisk Score': ['712', 'number'],
        Scanner: ['Qualys VMDR', 'select'],
      });
      expect(Object.keys(typed)).to.deep.equal(['Severity', 'QDS', 'CVSS Score', 'CVE IDs', 'First Found', 'Last Found', 'Host', 'IP Address', 'Asset Tags', 'TruRisk Score', 'Scanner']);
    });

    it('keeps template text and scanner values apart in the description', () => {
      const t = renderTicket(scheme, 'single', vmdrContext(), opts);
      const values = t.description.filter((s) => s.value).map((s) => s.text);
      expect(values).to.include('Windows Servers, DMZ');
      expect(values).to.include('Windows 2016/2019/10');
      expect(values).to.include('CVE-2020-16119, CVE-2020-25285');
      expect(t.description.find((s) => s.text.includes('DIAGNOSIS'))?.value).to.equal(false);
      const plain = toPlain(t.description);
      expect(plain).to.include('QDS 95 (CRITICAL), severity 4 of 5.');
      // The scanner's status lives in the Jira status (workflowMappings), not the text: a fix closes the ticket without an edit.
      expect(plain).to.not.include('status Active');
      expect(plain).to.include('SOLUTION\nRefer to [USN-4579-1|https://ubuntu.com/security/notices/USN-4579-1] | apply the update.');
      expect(toPlain(t.comment ?? [])).to.equal(
        'Qualys still reports QID 197597 on 10.50.2.111: status Active, last found 2024-03-08T20:15:41Z, QDS 95.',
      );
    });

    it('picks the priority band by QDS, a decimal in the lower band, and none without QDS', () => {
      const priorityFor = (qds: string | undefined): string | undefined =>
        renderTicket(scheme, 'single', vmdrContext({ QDS: qds === undefined ? null : { content: qds, severity: 'X' } }), opts).priority;
      expect(priorityFor('90')).to.equal('Highest');
      expect(priorityFor('89')).to.equal('High');
      expect(priorityFor('89.5')).to.equal('High');
      expect(priorityFor('40')).to.equal('Medium');
      expect(priorityFor('1')).to.equal('Low');
      expect(priorityFor('0')).to.equal(undefined);
      expect(priorityFor('100.5')).to.equal(undefined);
      expect(priorityFor(undefined)).to.equal(undefined);
    });

    it('drops labels whose placeholders are empty and sanitizes the rest', () => {
      const t = renderTicket(scheme, 'single', vmdrContext({ ID: '  ', QID: 'QID with  spaces' }), opts);
      expect(t.labels).to.deep.equal(['vulnbridge', 'qid-QID_with_spaces']);
    });

    it('cuts a long summary to 255 characters with an ellipsis and collapses newlines', () => {
      const title = `Line one\nline two ${'x'.repeat(400)}`;
      const t = renderTicket(scheme, 'single', vmdrContext({ VULN: { TITLE: title } }), opts);
      expect(t.summary).to.have.length(255);
      expect(t.summary.endsWith('…')).to.equal(true);
      expect(t.summary.startsWith('QID 197597: Line one line two xxx')).to.equal(true);
      expect(t.summary).to.not.include('\n');
    });

    it('renders missing values as empty strings', () => {
      const t = renderTicket(scheme, 'single', { QID: '1', STATUS: 'New' }, opts);
      expect(t.summary).to.equal('QID 1: on');
      expect(t.primaryKey).to.equal('Host ID:-QID:1-Port:');
      expect(t.labels).to.deep.equal(['vulnbridge', 'qid-1']);
    });

    it('gives the identity without a full render', () => {
      expect(renderPrimaryKey(scheme, 'single', vmdrContext({ PORT: '22' }))).to.equal('Host ID:12048633-QID:197597-Port:22');
    });

    it('refuses a role the scheme does not have', () => {
      expect(() => renderTicket(scheme, 'parent', vmdrContext(), opts)).to.throw(TemplateError, 'has no parent ticket');
    });
  });

  describe('our host-linking scheme', () => {
    const scheme = loadScheme(HOST_LINKING);

    it('renders the host parent with its TruRisk priority', () => {
      const t = renderTicket(scheme, 'parent', vmdrContext(), opts);
      expect(t.summary).to.equal('Vulnerable host 10.50.2.111 (Qualys host ID 12048633)');
      expect(t.primaryKey).to.equal('Host ID:12048633');
      expect(t.labels).to.deep.equal(['vulnbridge', 'qualys-host-12048633']);
      expect(t.priority).to.equal('High');
      expect(renderTicket(scheme, 'parent', vmdrContext({ TRURISK_SCORE: 850 }), opts).priority).to.equal('Highest');
      expect(renderTicket(scheme, 'parent', vmdrContext({ TRURISK_SCORE: '0' }), opts).priority).to.equal('Low');
      expect(t.comment).to.equal(undefined);
    });

    it('renders the vulnerability child with its QDS priority and a globally unique identity', () => {
      const t = renderTicket(scheme, 'child', vmdrContext({ QDS: { content: '35', severity: 'LOW' } }), opts);
      expect(t.role).to.equal('child');
      expect(t.primaryKey).to.equal('Host ID:12048633-QID:197597-Port:443');
      expect(t.priority).to.equal('Low');
      expect(t.labels).to.deep.equal(['vulnbridge', 'qualys-host-12048633', 'qid-197597']);
    });
  });

  describe('Qualys reference schemes', () => {
    it('renders the reference host-linking child with the sanitized ${DNS} label dropped when empty', () => {
      const scheme = loadScheme(path.join(REFERENCE_DIR, 'Host_Vuln_Linking_Ticket_Scheme.json'));
      const parent = renderTicket(scheme, 'parent', vmdrContext({ DNS: '' }), opts);
      expect(parent.labels).to.deep.equal(['qualys-host-12048633']);
      const withDns = renderTicket(scheme, 'parent', vmdrContext({ DNS: 'my host.local' }), opts);
      expect(withDns.labels).to.deep.equal(['qualys-host-12048633', 'my_host.local']);
      const child = renderTicket(scheme, 'child', vmdrContext(), opts);
      expect(child.primaryKey).to.equal('QID:197597-Port:443');
      expect(child.customFields.find((f) => f.name === 'Asset Tag')).to.equal(undefined);
      expect(parent.customFields.find((f) => f.name === 'Asset Tag')?.text).to.equal('Windows Servers, DMZ');
    });

    it('leaves the priority unset for "Jira default" and matches exact values (WAS)', () => {
      const scheme = loadScheme(path.join(REFERENCE_DIR, 'WAS_Finding_Vuln_Linking_Ticket_Scheme.json'));
      const ctx = { WEBAPP_ID: '42', WEBAPP_NAME: 'shop', ID: '7', QID: '150112', SEVERITY: 3, STATUS: 'NEW', RESULT: 'form field' };
      expect(renderTicket(scheme, 'parent', ctx, opts).priority).to.equal(undefined);
      const child = renderTicket(scheme, 'child', ctx, opts);
      expect(child.priority).to.equal('Medium');
      expect(toPlain(child.attachment ?? [])).to.equal('Result :\n form field');
    });

    it('renders CS dotted paths', () => {
      const scheme = loadScheme(path.join(REFERENCE_DIR, 'CS_Container_Link_Ticket_Scheme.json'));
      const ctx = {
        name: 'web', containerId: 'c1', sha: 'abc', state: 'RUNNING', host: { hostname: 'node-1', ipAddress: '10.0.0.9' },
        vuln: { qid: 123, port: null, title: 'OpenSSL', severity: 5, cvssInfo: { baseScore: 9.8 } },
      };
      const parent = renderTicket(scheme, 'parent', ctx, opts);
      expect(toPlain(parent.description)).to.include('Host Name:node-1,\nIP Address:10.0.0.9,');
      const child = renderTicket(scheme, 'child', ctx, opts);
      expect(child.priority).to.equal('Highest');
      expect(child.customFields.find((f) => f.name === 'Qualys Reported CVSSv2 Base')?.text).to.equal('9.8');
      expect(child.labels).to.deep.equal(['qid-123']);
    });
  });
});
