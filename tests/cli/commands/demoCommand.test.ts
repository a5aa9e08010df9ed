import { expect } from 'chai';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoCommand } from '../../../connector/cli/commands/demoCommand.js';

describe('cli: npm run demo', function () {
  this.timeout(120_000);

  it('runs every job against the simulators, pushes a webhook, raises and resolves incidents, and exits 0', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'vulnbridge-demo-'));
    symlinkSync(path.resolve('templates'), path.join(root, 'templates'));
    const lines: string[] = [];
    try {
      const exit = await demoCommand({ root, out: (t) => lines.push(t), hosts: 4 });
      const text = lines.join('\n');
      expect(exit, text).to.equal(0);
      for (const job of ['vmdr-detections', 'vmdr-hosts', 'xray-violations', 'was-findings', 'cs-images', 'cs-containers']) {
        const rows = jobRows(text, job);
        expect(rows, `${job} in both cycles`).to.have.length(2);
        for (const row of rows) expect(row.result, `${job}: ${text}`).to.equal('ok');
      }
      // Cycle 1 tickets the Qualys apps; cycle 2 closes what the demo changed between the cycles.
      const [wasFirst, wasSecond] = jobRows(text, 'was-findings');
      expect(wasFirst?.created).to.be.greaterThan(0);
      expect(wasSecond?.transitioned, 'the Fixed WAS finding closes').to.equal(1);
      const [imagesFirst, imagesSecond] = jobRows(text, 'cs-images');
      expect(imagesFirst?.linked).to.be.greaterThan(0);
      expect(imagesSecond?.unlinked, 'the fixed image vulnerability is unlinked').to.equal(1);
      expect(imagesSecond?.transitioned, 'and its ticket closes').to.equal(1);
      const [containersFirst, containersSecond] = jobRows(text, 'cs-containers');
      expect(containersFirst?.created).to.be.greaterThan(0);
      expect(containersSecond?.transitioned, 'the deleted container closes its sub-tasks and itself').to.be.greaterThan(1);
      expect(text).to.match(/Qualys apps: WAS finding \d+ \(QID \d+\) Fixed, QID \d+ fixed in image \w+, container \S+ deleted/);
      expect(text).to.match(/Xray → daemon: HTTP 202/);
      expect(text).to.match(/Ticket for XRAY-\d+ in \S+: 1 created \(ok\)/);
      expect(text).to.match(/PagerDuty now holds [1-9]\d* open and [1-9]\d* resolved alert\(s\); the Lightstep webhook received [1-9]/);
      expect(text).to.include('incident events:');
      // Remediation SLAs: due dates on the tickets, breached ones among them, and a KEV one.
      expect(text).to.match(/== Remediation SLAs/);
      expect(text).to.match(/^\s+VULN-\d+\s+due \d{4}-\d{2}-\d{2}\s+.*vb-kev/m);
      expect(text).to.match(/^\s+\S+-\d+\s+due \d{4}-\d{2}-\d{2}\s+vb-sla-breached/m);
      expect(text).to.match(/^vmdr-detections: [1-9]\d* open ticket\(s\) with a due date, \d+ due within 7 days, [1-9]\d* breached/m);
      // The dashboards step: every dashboard's gadgets configured, the pie equal to a direct count, a re-run writes nothing.
      expect(text).to.match(/\d+ saved filters, 5 dashboards, 20 gadgets in \d+ Jira writes/);
      expect(text.match(/counted directly in Jira: \d+, the same\)/g)).to.have.length(5);
      expect(text).not.to.match(/not configured|DIFFERENT/);
      expect(text).to.include('Run again: 0 Jira writes (everything already in step).');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

interface JobRow {
  result: string;
  created: number;
  transitioned: number;
  linked: number;
  unlinked: number;
}

/** The job's rows of the sync tables, one per cycle (columns as syncCommand prints them). */
function jobRows(text: string, job: string): JobRow[] {
  return [...text.matchAll(new RegExp(`^${job}\\s+(\\S+)\\s+(\\d+(?:\\s+\\d+)*)\\s*$`, 'gm'))].map((m) => {
    const [, created, , , transitioned, linked, unlinked] = (m[2] ?? '').split(/\s+/).map(Number);
    return { result: m[1] ?? '', created: created ?? NaN, transitioned: transitioned ?? NaN, linked: linked ?? NaN, unlinked: unlinked ?? NaN };
  });
}
