import { esc, utc } from './html.js';
import type { RunPoint } from './statusData.js';

/** The chart's frame in SVG units; the SVG scales to its box (narrow screens too). */
export const CHART = { width: 480, height: 250, left: 48, right: 16, top: 34, bottom: 44 } as const;

/** The two lines: open tickets at each run's end, findings pulled in each run. */
export const SERIES = [
  { key: 'openTickets', label: 'open tickets', css: 'tickets', width: 136 },
  { key: 'findings', label: 'findings pulled', css: 'findings', width: 152 },
] as const;

export type SeriesKey = (typeof SERIES)[number]['key'];

export interface PlottedPoint {
  series: SeriesKey;
  /** Index of the run in the history (oldest first). */
  run: number;
  x: number;
  y: number;
  value: number;
  at: string;
  result: string;
}

export interface ChartLayout {
  points: PlottedPoint[];
  /** Top of the y axis: a round number at or above the largest value. */
  yMax: number;
  yTicks: number[];
  xLabels: Array<{ x: number; text: string; anchor: 'start' | 'middle' | 'end' }>;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** A step of 1, 2 or 5 × 10^k so the y axis has about four intervals; never below 1 (counts). */
function niceStep(max: number): number {
  const raw = Math.max(max, 1) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return Math.max(1, step);
}

/**
 * Where each run's values go: x by the time the run ended (the oldest run on the left
 * edge, the newest on the right; a lone run in the middle), y from 0 at the bottom up to
 * `yMax`. A run without a value for a series (recorded before it was counted) has no
 * point in that series.
 */
export function layoutChart(history: readonly RunPoint[]): ChartLayout {
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const times = history.map((r) => Date.parse(r.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const xOf = (t: number) => (t1 > t0 ? CHART.left + ((t - t0) / (t1 - t0)) * plotW : CHART.left + plotW / 2);
  const values = history.flatMap((r) => SERIES.map((s) => r[s.key]).filter((v): v is number => v !== undefined));
  const step = niceStep(Math.max(0, ...values));
  const yMax = Math.max(step, Math.ceil(Math.max(0, ...values) / step) * step);
  const yOf = (v: number) => CHART.top + plotH - (v / yMax) * plotH;
  const points: PlottedPoint[] = [];
  for (const s of SERIES) {
    history.forEach((r, run) => {
      const value = r[s.key];
      if (value === undefined) return;
      points.push({ series: s.key, run, x: round(xOf(times[run] as number)), y: round(yOf(value)), value, at: r.at, result: r.result });
    });
  }
  const yTicks: number[] = [];
  for (let v = 0; v <= yMax; v += step) yTicks.push(v);
  const first = history[0];
  const last = history[history.length - 1];
  // Dates over days, seconds within an hour (runs in quick succession), else day and time.
  const span = t1 - t0;
  const label = (iso: string) =>
    span > 2 * 86_400_000 ? iso.slice(0, 10) : span > 0 && span < 3_600_000 ? iso.slice(11, 19) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  const xLabels: ChartLayout['xLabels'] = [];
  if (first && last && t1 > t0) {
    xLabels.push({ x: CHART.left, text: label(first.at), anchor: 'start' }, { x: CHART.left + plotW, text: label(last.at), anchor: 'end' });
  } else if (first) xLabels.push({ x: CHART.left + plotW / 2, text: label(first.at), anchor: 'middle' });
  return { points, yMax, yTicks, xLabels };
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * The run history of one job as an inline SVG line chart: both series with a point per
 * run (a failed run's points drawn red), y axis with gridlines and counts, x axis with
 * the first and last run's time, a legend. `id` makes its ARIA ids unique on the page.
 */
export function runChart(history: readonly RunPoint[], job: string, id: string): string {
  const plotBottom = CHART.height - CHART.bottom;
  const plotRight = CHART.width - CHART.right;
  const out: string[] = [];
  out.push(
    `<svg class="chart" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-t">Run history of ${esc(job)}: open tickets and findings pulled per run</title>`,
  );
  // Legend, above the plot: a line and a point per series, then the failed run's point.
  let lx = 8;
  for (const s of SERIES) {
    out.push(
      `<g class="legend s-${s.css}"><line class="line" x1="${lx}" y1="12" x2="${lx + 24}" y2="12"/><circle class="pt" cx="${lx + 12}" cy="12" r="4"/>`,
      `<text x="${lx + 30}" y="16">${esc(s.label)}</text></g>`,
    );
    lx += s.width;
  }
  out.push(`<g class="legend"><circle class="pt failed" cx="${lx + 12}" cy="12" r="4"/><text x="${lx + 22}" y="16">failed run</text></g>`);

  if (history.length === 0) {
    out.push(
      `<desc id="${id}-d">No finished runs yet.</desc>`,
      `<rect class="frame" x="${CHART.left}" y="${CHART.top}" width="${plotRight - CHART.left}" height="${plotBottom - CHART.top}"/>`,
      `<text class="empty" x="${(CHART.left + plotRight) / 2}" y="${(CHART.top + plotBottom) / 2}" text-anchor="middle">no finished runs yet</text>`,
      '</svg>',
    );
    return out.join('\n');
  }

  const layout = layoutChart(history);
  const lastRun = history[history.length - 1] as RunPoint;
  out.push(
    `<desc id="${id}-d">${history.length} run(s) from ${esc(utc((history[0] as RunPoint).at))} to ${esc(utc(lastRun.at))}; last run: ` +
      `${lastRun.openTickets ?? 'unknown'} open ticket(s), ${lastRun.findings ?? 'unknown'} finding(s) pulled.</desc>`,
  );
  const yOf = (v: number) => round(CHART.top + (plotBottom - CHART.top) - (v / layout.yMax) * (plotBottom - CHART.top));
  for (const v of layout.yTicks) {
    const y = yOf(v);
    out.push(`<line class="grid" x1="${CHART.left}" y1="${y}" x2="${plotRight}" y2="${y}"/>`, `<text class="tick" x="${CHART.left - 8}" y="${y + 4}" text-anchor="end">${thousands(v)}</text>`);
  }
  out.push(
    `<line class="axis" x1="${CHART.left}" y1="${CHART.top}" x2="${CHART.left}" y2="${plotBottom}"/>`,
    `<line class="axis" x1="${CHART.left}" y1="${plotBottom}" x2="${plotRight}" y2="${plotBottom}"/>`,
  );
  for (const l of layout.xLabels) out.push(`<text class="tick" x="${l.x}" y="${plotBottom + 18}" text-anchor="${l.anchor}">${esc(l.text)}</text>`);
  out.push(`<text class="axis-title" x="${(CHART.left + plotRight) / 2}" y="${CHART.height - 6}" text-anchor="middle">end of run (UTC)</text>`);

  for (const s of SERIES) {
    const pts = layout.points.filter((p) => p.series === s.key);
    if (pts.length > 1) out.push(`<polyline class="line s-${s.css}" points="${pts.map((p) => `${p.x},${p.y}`).join(' ')}"/>`);
    for (const p of pts) {
      const failed = p.result === 'failed' ? ' failed' : '';
      out.push(
        `<circle class="pt s-${s.css}${failed}" cx="${p.x}" cy="${p.y}" r="4" data-series="${s.key}" data-run="${p.run}" data-value="${p.value}">` +
          `<title>${esc(`${utc(p.at)}, ${p.result}: ${thousands(p.value)} ${s.key === 'openTickets' ? 'open ticket(s)' : 'finding(s) pulled'}`)}</title></circle>`,
      );
    }
  }
  out.push('</svg>');
  return out.join('\n');
}
