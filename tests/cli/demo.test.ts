import { expect } from 'chai';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoCommand } from '../../connector/cli/commands/demoCommand.js';

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
      for (const job of ['vmdr-detections', 'vmdr-hosts', 'xray-violations']) expect(text).to.match(new RegExp(`^${job}\\s+ok\\s`, 'm'));
      expect(text).to.match(/Xray → daemon: HTTP 202/);
      expect(text).to.match(/Ticket for XRAY-\d+ in \S+: 1 created \(ok\)/);
      expect(text).to.match(/PagerDuty now holds [1-9]\d* open and [1-9]\d* resolved alert\(s\); the Lightstep webhook received [1-9]/);
      expect(text).to.include('incident events:');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
