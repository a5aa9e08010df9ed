import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { esc } from '../../../connector/server/statusPage/html.js';
import { PAGE_CSS, STATUS_PAGE_HEADERS } from '../../../connector/server/statusPage/pageStyle.js';
import { renderStatusPage } from '../../../connector/server/statusPage/renderStatusPage.js';
import type { StatusPageData } from '../../../connector/server/statusPage/statusData.js';

const EVIL = `<script>alert("x")</script><img src=x onerror='alert(1)'>&amp;`;
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;amp;';

function page(overrides: Partial<StatusPageData> = {}): StatusPageData {
  return {
    generatedAt: '2026-01-10T12:00:00.000Z',
    jobs: [
      {
        name: 'good',
        state: 'ok',
        schedule: '0 */4 * * *',
        running: false,
        lastRun: { startedAt: '2026-01-10T08:00:00.000Z', endedAt: '2026-01-10T08:02:00.000Z', result: 'ok' },
        lastSuccessAt: '2026-01-10T08:02:00.000Z',
        nextRunAt: '2026-01-10T12:00:00.000Z',
        history: [{ at: '2026-01-10T08:02:00.000Z', result: 'ok', openTickets: 3, findings: 6 }],
      },
    ],
    state: { outbox: [], inbox: [], sla: [], broken: [] },
    ...overrides,
  };
}

describe('server/statusPage/renderStatusPage', () => {
  it('esc() turns the five HTML-special characters into entities and leaves the rest', () => {
    expect(esc(EVIL)).to.equal(EVIL_ESCAPED);
    expect(esc('vmdr-detections ✓ 0 */4 * * *')).to.equal('vmdr-detections ✓ 0 */4 * * *');
    expect(esc(42)).to.equal('42');
  });

  it('escapes everything that comes from the state, the scanners, Jira or the config', () => {
    const html = renderStatusPage(
      page({
        jobs: [
          {
            name: EVIL,
            state: 'failed',
            schedule: EVIL,
            running: true,
            lastRun: { startedAt: '2026-01-10T08:00:00.000Z', endedAt: '2026-01-10T08:00:05.000Z', result: 'failed', error: `Jira answered: ${EVIL}` },
            history: [{ at: '2026-01-10T08:00:05.000Z', result: EVIL, openTickets: 1, findings: 0 }],
          },
          { name: `${EVIL}2`, state: 'cannot start', schedule: '0 * * * *', running: false, cannotStart: EVIL, history: [] },
          { name: `${EVIL}3`, state: 'disabled', schedule: '0 * * * *', running: false, history: [] },
        ],
        state: {
          outbox: [{ job: EVIL, lane: EVIL, waiting: 1, rejected: 2, oldestWaitingAt: '2026-01-10T11:00:00.000Z' }],
          inbox: [{ job: EVIL, waiting: 1, setAside: 1 }],
          sla: [{ job: EVIL, breached: 1, dueSoon: 1 }],
          broken: [EVIL],
        },
      }),
    );
    // Only our own markup: no tag, attribute or entity of the hostile text survives unescaped.
    expect(html).to.not.include('<script');
    expect(html).to.not.include('<img');
    expect(html).to.not.include("onerror='");
    expect(html).to.include(`Jira answered: ${EVIL_ESCAPED}`);
    // Job, schedule, error, chart title, cannot-start reason, outbox job and endpoint, inbox, SLA, disabled list, headline.
    expect(html.split(EVIL_ESCAPED).length - 1).to.be.at.least(12);
    // The only tags are those of the page itself.
    const tags = new Set([...html.matchAll(/<([a-z][a-z0-9]*)[\s>/]/g)].map((m) => m[1]));
    for (const tag of tags) {
      expect(['html', 'head', 'meta', 'title', 'style', 'body', 'main', 'h1', 'h2', 'h3', 'div', 'span', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'br', 'p', 'figure', 'svg', 'desc', 'g', 'line', 'circle', 'text', 'rect', 'polyline', 'footer', 'code'], tag).to.include(tag);
    }
  });

  it('marks failed and unstartable jobs, names them in the headline and shows the error in full', () => {
    const longError = `AUTH_FAILED: Jira answered 401 ${'x'.repeat(600)} end-of-error`;
    const html = renderStatusPage(
      page({
        jobs: [
          ...page().jobs,
          { name: 'broken', state: 'failed', schedule: '0 * * * *', running: false, lastRun: { startedAt: '2026-01-10T11:00:00.000Z', result: 'failed', error: longError }, history: [] },
          { name: 'unstartable', state: 'cannot start', schedule: '0 * * * *', running: false, cannotStart: 'TEMPLATE_INVALID: bad', history: [] },
        ],
      }),
    );
    expect(html).to.include('<div class="banner bad" role="status">✗ 2 of 3 job(s) failing: broken, unstartable</div>');
    expect(html).to.include('<span class="state failed">✗ failed</span>');
    expect(html).to.include('<span class="state cannot-start">✗ cannot start</span>');
    expect(html).to.include('<span class="state ok">✓ ok</span>');
    expect(html).to.include(`<div class="error">${longError}</div>`);
    expect(html).to.include('<div class="error">TEMPLATE_INVALID: bad</div>');
    expect(renderStatusPage(page())).to.include('<div class="banner ok" role="status">✓ All 1 job(s) ok</div>');
  });

  it('allows exactly its own stylesheet by hash, and nothing else, in its Content-Security-Policy', () => {
    const html = renderStatusPage(page());
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    expect(style).to.equal(PAGE_CSS);
    const hash = createHash('sha256').update(style as string, 'utf8').digest('base64');
    const csp = STATUS_PAGE_HEADERS['content-security-policy'];
    expect(csp).to.include("default-src 'none'");
    expect(csp).to.include(`style-src 'sha256-${hash}'`);
    expect(csp).to.not.include('unsafe');
    expect(csp).to.not.include('script-src');
    expect(STATUS_PAGE_HEADERS).to.include({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-type': 'text/html; charset=utf-8' });
    // No inline style attributes (the policy would block them) and no script.
    expect(html).to.not.match(/\sstyle=/);
    expect(html).to.not.match(/<script|\son[a-z]+=/i);
  });
});
