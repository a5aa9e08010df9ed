import { duration, esc, relative, utc } from './html.js';
import { PAGE_CSS } from './pageStyle.js';
import { runChart } from './runChart.js';
import type { JobState, StatusJob, StatusPageData } from './statusData.js';

/** The page reloads itself this often (a meta refresh: no script). */
export const REFRESH_SECONDS = 60;

const MARK: Record<JobState, string> = {
  ok: '✓ ok',
  partial: '! partial',
  failed: '✗ failed',
  'never run': '– never run',
  'cannot start': '✗ cannot start',
  disabled: '– disabled',
};

const cssName = (state: JobState) => state.replace(' ', '-');

/** `<td>` with the column name a narrow screen shows above the value. */
const td = (label: string, html: string, cls = '') => `<td data-label="${esc(label)}"${cls ? ` class="${cls}"` : ''}><div>${html}</div></td>`;

const NONE = '<span class="none">–</span>';

function when(iso: string | undefined, now: string): string {
  return iso ? `<span class="time">${esc(utc(iso))}</span><br><span class="muted">${esc(relative(iso, now))}</span>` : NONE;
}

function jobRow(j: StatusJob, now: string): string {
  const last = j.lastRun;
  const lastRun = last
    ? `${when(last.startedAt, now)}${last.endedAt ? `<br><span class="muted">took ${esc(duration((Date.parse(last.endedAt) - Date.parse(last.startedAt)) / 1000))}</span>` : ''}`
    : NONE;
  const error = j.cannotStart ?? (j.state === 'ok' ? undefined : last?.error);
  return [
    `<tr class="${cssName(j.state)}">`,
    td('job', `<span class="job">${esc(j.name)}</span><br><span class="muted schedule">${esc(j.schedule)}</span>`),
    td('state', `<span class="state ${cssName(j.state)}">${esc(MARK[j.state])}</span>${j.running ? '<span class="running">● running now</span>' : ''}`),
    td('last run', lastRun),
    td('last success', when(j.lastSuccessAt, now)),
    td('next run', when(j.nextRunAt, now)),
    td('last error', error ? `<div class="error">${esc(error)}</div>` : NONE),
    '</tr>',
  ].join('');
}

function headline(jobs: readonly StatusJob[]): { cls: 'ok' | 'bad'; text: string } {
  const failing = jobs.filter((j) => j.state === 'failed' || j.state === 'cannot start');
  const active = jobs.filter((j) => j.state !== 'disabled');
  if (failing.length === 0) return { cls: 'ok', text: `✓ All ${active.length} job(s) ok` };
  return { cls: 'bad', text: `✗ ${failing.length} of ${active.length} job(s) failing: ${failing.map((j) => j.name).join(', ')}` };
}

function table(cls: string, head: Array<[string, boolean?]>, rows: string[]): string {
  const ths = head.map(([h, num]) => `<th${num ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  return `<table class="${cls}"><thead><tr>${ths}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

const count = (n: number, warnAbove = 0, cls = 'bad') => (n > warnAbove ? `<span class="${cls}">${n}</span>` : String(n));

/**
 * The whole status page: a headline, the jobs (state, last/next run, the last error in
 * full), a run-history chart per job, the outbox, the inbox and the SLA counts. Static
 * HTML and inline SVG; every value from the state is escaped.
 */
export function renderStatusPage(data: StatusPageData): string {
  const now = data.generatedAt;
  const { state } = data;
  const top = headline(data.jobs);
  const shown = data.jobs.filter((j) => j.state !== 'disabled');
  const disabled = data.jobs.filter((j) => j.state === 'disabled');

  const jobsTable = table(
    'stack jobs',
    [['job'], ['state'], ['last run'], ['last success'], ['next run'], ['last error']],
    shown.map((j) => jobRow(j, now)),
  );

  const charts = shown.length
    ? `<div class="charts">${shown
        .map((j, i) => `<figure><h3>${esc(j.name)}</h3>${runChart(j.history, j.name, `chart-${i}`)}</figure>`)
        .join('\n')}</div>`
    : '<p class="none">No jobs.</p>';

  const outbox = state.outbox.length
    ? table(
        'stack',
        [['job'], ['endpoint'], ['waiting', true], ['set aside (rejected)', true], ['oldest waiting', true]],
        state.outbox.map((o) =>
          [
            '<tr>',
            td('job', esc(o.job), 'job'),
            td('endpoint', esc(o.lane)),
            td('waiting', count(o.waiting, 0, 'warn'), 'num'),
            td('set aside (rejected)', count(o.rejected), 'num'),
            td('oldest waiting', o.oldestWaitingAt ? esc(duration((Date.parse(now) - Date.parse(o.oldestWaitingAt)) / 1000)) : NONE, 'num'),
            '</tr>',
          ].join(''),
        ),
      )
    : '<p class="none">No incident events waiting or set aside.</p>';

  const inbox = state.inbox.length
    ? table(
        'stack',
        [['job'], ['waiting', true], ['set aside', true]],
        state.inbox.map((i) => ['<tr>', td('job', esc(i.job), 'job'), td('waiting', count(i.waiting, 0, 'warn'), 'num'), td('set aside', count(i.setAside), 'num'), '</tr>'].join('')),
      )
    : '<p class="none">No webhook payloads waiting or set aside.</p>';

  const sla = state.sla.length
    ? table(
        'stack',
        [['job'], ['breached', true], ['due within 7 days', true]],
        state.sla.map((s) => ['<tr>', td('job', esc(s.job), 'job'), td('breached', count(s.breached), 'num'), td('due within 7 days', count(s.dueSoon, 0, 'warn'), 'num'), '</tr>'].join('')),
      )
    : '<p class="none">No job has an SLA policy.</p>';

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<meta name="robots" content="noindex">
<title>${top.cls === 'ok' ? '✓' : '✗'} vulnbridge status</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
<h1>vulnbridge status</h1>
<div class="meta">read ${esc(utc(now))} · reloads every ${REFRESH_SECONDS} s · read-only</div>
<div class="banner ${top.cls}" role="status">${esc(top.text)}</div>
<h2 id="jobs">Jobs</h2>
${jobsTable}
${disabled.length ? `<p class="muted">Disabled in the config: ${disabled.map((j) => esc(j.name)).join(', ')}.</p>` : ''}
<h2 id="history">Run history</h2>
<p class="muted">Per run of each job: its open tickets when the run ended, and the findings it pulled from the scanner (or took from webhooks). Red points: failed runs.</p>
${charts}
<h2 id="outbox">Outbox: incident events</h2>
${outbox}
<h2 id="inbox">Inbox: webhook payloads</h2>
${inbox}
<h2 id="sla">Remediation SLA: open tickets</h2>
${sla}
<footer class="muted">Details: <code>vulnbridge status --wide</code> · metrics: <code>/metrics</code> · readiness: <code>/readyz</code></footer>
</main>
</body>
</html>
`;
}
