import { expect } from 'chai';
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { AppContext } from '../../connector/cli/appContext.js';
import { simplifiedWorkflowData } from '../../connector/cli/commands/demoCommand.js';
import type { ScheduleFn } from '../../connector/daemon/jobScheduler.js';
import { startDaemon, type Daemon } from '../../connector/daemon/startDaemon.js';
import { CHART } from '../../connector/server/statusPage/runChart.js';
import { OUR_TEMPLATES, startWorld, type World } from './support/world.js';

const PER_DETECTION = path.join(OUR_TEMPLATES, 'vmdr-per-detection.json');
const WRONG_JIRA = 'VB_E2E_STATUS_WRONG_JIRA_TOKEN';
const USER_ENV = 'VB_E2E_STATUS_USER';
const PASSWORD_ENV = 'VB_E2E_STATUS_PASSWORD';
const USER = 'night-shift';
const PASSWORD = 'status-secret-4711';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the test leaves what the browser showed, for a person to look at. */
const SCREENSHOT = process.env.STATUS_SCREENSHOT ?? path.join(process.env.TMPDIR ?? '/tmp', 'status.png');

/** Ticks by hand: the test triggers runs through the scheduler. */
const noCron: ScheduleFn = () => ({ stop: () => undefined });

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('e2e: the daemon’s /status page in a real headless Chromium', function () {
  let world: World;
  let app: AppContext | undefined;
  let daemon: Daemon | undefined;
  let browser: Browser | undefined;

  beforeEach(async () => {
    world = await startWorld({ qualys: { seed: 5, hosts: 3, detectionsPerHost: 2 }, jira: { flavor: 'cloud', data: simplifiedWorkflowData() } });
    process.env[WRONG_JIRA] = 'wrong-status-token-0815';
    process.env[USER_ENV] = USER;
    process.env[PASSWORD_ENV] = PASSWORD;
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await daemon?.stop(0);
    daemon = undefined;
    app?.state.close();
    app = undefined;
    for (const env of [WRONG_JIRA, USER_ENV, PASSWORD_ENV]) delete process.env[env];
    await world.close();
  });

  /** A good job and one whose Jira token is wrong; the listener with this `server:` block. */
  function openWith(server: string): AppContext {
    const file = world.writeConfig([
      { name: 'good', template: PER_DETECTION },
      { name: 'broken', template: PER_DETECTION, jiraSecretEnv: WRONG_JIRA },
    ]);
    appendFileSync(file, `server: { host: 127.0.0.1, port: 0${server} }\n`);
    return world.open(file);
  }

  it('shows both jobs, the failed one’s error, and a point per run in each job’s chart; 401 without credentials', async function () {
    if (!existsSync(CHROMIUM)) {
      const why = `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
      if (process.env.CI) throw new Error(`the /status page test needs a browser: ${why}`);
      console.warn(`      skipped: ${why}`);
      this.skip();
    }
    app = openWith(`, statusPage: { basicAuth: { username: { env: ${USER_ENV} }, password: { env: ${PASSWORD_ENV} } } }`);
    daemon = await startDaemon(app, { schedule: noCron });
    const url = `${daemon.server!.url}/status`;
    for (let i = 0; i < 2; i++) {
      await daemon.scheduler.trigger('good');
      await daemon.scheduler.trigger('broken');
    }
    const openTickets = app.state.tickets.counts('good').open;
    expect(openTickets).to.be.greaterThan(0);
    const brokenError = app.state.runs.last('broken')?.error ?? '';
    expect(brokenError).to.include(WRONG_JIRA);

    // Without credentials, or with wrong ones: 401 asking for Basic auth, and no page.
    for (const headers of [{}, { authorization: basic(USER, 'wrong') }] as Array<Record<string, string>>) {
      const refused = await fetch(url, { headers });
      expect(refused.status).to.equal(401);
      expect(refused.headers.get('www-authenticate')).to.match(/^Basic realm="vulnbridge status"/);
      expect(await refused.text()).to.not.include('good');
    }
    // Read-only: GET and HEAD only.
    const auth = { authorization: basic(USER, PASSWORD) };
    const post = await fetch(url, { method: 'POST', headers: auth, body: '{}' });
    expect(post.status).to.equal(405);
    expect(post.headers.get('allow')).to.equal('GET, HEAD');
    const head = await fetch(url, { method: 'HEAD', headers: auth });
    expect(head.status).to.equal(200);
    const ok = await fetch(url, { headers: auth });
    expect(ok.status).to.equal(200);
    expect(ok.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(ok.headers.get('cache-control')).to.equal('no-store');
    expect(ok.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(ok.headers.get('content-security-policy')).to.match(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD }, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused/i.test(m.text())) violations.push(m.text());
    });
    const response = await page.goto(url);
    expect(response?.status()).to.equal(200);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // What a person sees first: the headline names the failing job.
    expect(await page.locator('.banner').innerText()).to.equal('✗ 1 of 2 job(s) failing: broken');
    const rows = page.locator('table.jobs tbody tr');
    expect(await rows.count()).to.equal(2);
    const good = rows.filter({ hasText: 'good' });
    const broken = rows.filter({ hasText: 'broken' });
    expect(await good.locator('.state').innerText()).to.equal('✓ ok');
    expect(await broken.locator('.state').innerText()).to.equal('✗ failed');
    // The error in full, as the run log has it.
    expect(await broken.locator('.error').innerText()).to.equal(brokenError);
    expect(await good.locator('.error').count()).to.equal(0);
    expect(await good.innerText()).to.match(/in \d+ (min|h)/); // the next run
    // The stylesheet applied (allowed by its hash): the failed marker is red, and nothing was refused.
    expect(await page.evaluate("getComputedStyle(document.querySelector('table.jobs tr.failed .state')).backgroundColor")).to.equal('rgb(196, 36, 43)');
    expect(violations).to.deep.equal([]);

    // One chart per job; a point per run in each series, oldest left, newest right.
    const figures = page.locator('figure');
    expect(await figures.count()).to.equal(2);
    for (const [job, runs] of [
      ['good', app.state.runs.recent('good', 10).reverse()],
      ['broken', app.state.runs.recent('broken', 10).reverse()],
    ] as const) {
      expect(runs, job).to.have.length(2);
      const chart = figures.filter({ has: page.locator('h3', { hasText: new RegExp(`^${job}$`) }) });
      expect(await chart.locator('svg.chart').getAttribute('role')).to.equal('img');
      const tickets = chart.locator('circle[data-series="openTickets"]');
      const findings = chart.locator('circle[data-series="findings"]');
      expect(await tickets.count(), job).to.equal(2);
      expect(await findings.count(), job).to.equal(2);
      const cx = await tickets.evaluateAll((els) => els.map((e) => Number(e.getAttribute('cx'))));
      expect(cx, job).to.deep.equal([CHART.left, CHART.width - CHART.right]);
      const values = await tickets.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
      expect(values, job).to.deep.equal(runs.map((r) => r.counts.openTickets));
      const pulled = await findings.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
      expect(pulled, job).to.deep.equal(runs.map((r) => r.counts.findings));
      // On screen, the newest run's point is right of the oldest's, and inside the chart.
      const boxes = await Promise.all([tickets.nth(0).boundingBox(), tickets.nth(1).boundingBox(), chart.locator('svg.chart').boundingBox()]);
      expect(boxes[1]!.x, job).to.be.greaterThan(boxes[0]!.x + 100);
      expect(boxes[0]!.x).to.be.within(boxes[2]!.x, boxes[2]!.x + boxes[2]!.width);
      expect(await chart.locator('svg.chart .legend').evaluateAll((els) => els.map((e) => e.textContent?.trim()))).to.deep.equal(['open tickets', 'findings pulled', 'failed run']);
      expect(await chart.locator('line.axis').count()).to.equal(2);
    }
    // The good job's tickets: all open at the end of both runs; the broken job has none, and its points are red.
    const goodTickets = figures.nth(0).locator('circle[data-series="openTickets"]');
    expect(await goodTickets.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))).to.deep.equal([openTickets, openTickets]);
    expect(await figures.nth(1).locator('circle[data-series].failed').count()).to.equal(4);
    expect(await figures.nth(0).locator('circle[data-series].failed').count()).to.equal(0);

    // A narrow screen: the tables stack into cards, nothing is wider than the screen.
    await page.setViewportSize({ width: 380, height: 800 });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).to.equal(0);
    expect(await broken.locator('.error').isVisible()).to.equal(true);
  });

  it('is not served when server.statusPage is off (404), and is open to all with statusPage: true', async () => {
    app = openWith('');
    daemon = await startDaemon(app, { schedule: noCron });
    const off = await fetch(`${daemon.server!.url}/status`);
    expect(off.status).to.equal(404);
    await daemon.stop(0);
    app.state.close();

    app = openWith(', statusPage: false');
    daemon = await startDaemon(app, { schedule: noCron });
    expect((await fetch(`${daemon.server!.url}/status`)).status).to.equal(404);
    await daemon.stop(0);
    app.state.close();

    app = openWith(', statusPage: true');
    daemon = await startDaemon(app, { schedule: noCron });
    const open = await fetch(`${daemon.server!.url}/status`);
    expect(open.status).to.equal(200);
    const html = await open.text();
    expect(html).to.include('<span class="job">good</span>');
    expect(html).to.include('– never run');
  });

  it('answers 503, and never serves the page, when its credentials cannot be read at start', async () => {
    delete process.env[PASSWORD_ENV];
    app = openWith(`, statusPage: { basicAuth: { username: { env: ${USER_ENV} }, password: { env: ${PASSWORD_ENV} } } }`);
    daemon = await startDaemon(app, { schedule: noCron });
    const res = await fetch(`${daemon.server!.url}/status`, { headers: { authorization: basic(USER, '') } });
    expect(res.status).to.equal(503);
    expect(await res.text()).to.not.include('good');
    // The rest of the daemon runs.
    expect((await fetch(`${daemon.server!.url}/healthz`)).status).to.equal(200);
  });
});
