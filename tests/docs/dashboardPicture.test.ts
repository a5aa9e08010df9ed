import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { renderDashboardPicture } from './dashboardPicture.js';

describe('docs/dashboard.svg', () => {
  it('is what the simulator\'s gadgets show after `vulnbridge dashboards --apply` (regenerate: npm run docs:dashboard)', async () => {
    expect(readFileSync('docs/dashboard.svg', 'utf8')).to.equal(await renderDashboardPicture());
  });
});
