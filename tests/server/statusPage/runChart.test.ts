import { expect } from 'chai';
import { CHART, layoutChart, runChart } from '../../../connector/server/statusPage/runChart.js';
import type { RunPoint } from '../../../connector/server/statusPage/statusData.js';

const plotLeft = CHART.left;
const plotRight = CHART.width - CHART.right;
const plotTop = CHART.top;
const plotBottom = CHART.height - CHART.bottom;

/** The attributes of each `<circle class="pt ...">` in an SVG, in document order. */
function circles(svg: string): Array<{ cls: string; cx: number; cy: number; series: string; run: number; value: number }> {
  return [...svg.matchAll(/<circle class="(pt [^"]*)" cx="([\d.]+)" cy="([\d.]+)" r="4" data-series="(\w+)" data-run="(\d+)" data-value="(\d+)">/g)].map((m) => ({
    cls: m[1]!,
    cx: Number(m[2]),
    cy: Number(m[3]),
    series: m[4]!,
    run: Number(m[5]),
    value: Number(m[6]),
  }));
}

const run = (at: string, openTickets: number | undefined, findings: number | undefined, result = 'ok'): RunPoint => ({
  at,
  result,
  ...(openTickets === undefined ? {} : { openTickets }),
  ...(findings === undefined ? {} : { findings }),
});

describe('server/statusPage/runChart', () => {
  it('puts a point per run and series: x by the run’s end time, y by its count on a round axis', () => {
    const history = [
      run('2026-01-10T08:00:00Z', 10, 40),
      run('2026-01-10T12:00:00Z', 30, 5),
      run('2026-01-10T20:00:00Z', 35, 0, 'failed'),
    ];
    const layout = layoutChart(history);
    expect(layout.yMax).to.equal(40);
    expect(layout.yTicks).to.deep.equal([0, 10, 20, 30, 40]);
    const tickets = layout.points.filter((p) => p.series === 'openTickets');
    // Oldest on the left edge, newest on the right, the middle one a third of the way (4 h of 12).
    expect(tickets.map((p) => p.x)).to.deep.equal([plotLeft, Math.round((plotLeft + (plotRight - plotLeft) / 3) * 10) / 10, plotRight]);
    const yOf = (v: number) => Math.round((plotBottom - (v / 40) * (plotBottom - plotTop)) * 10) / 10;
    expect(tickets.map((p) => p.y)).to.deep.equal([yOf(10), yOf(30), yOf(35)]);
    expect(layout.points.filter((p) => p.series === 'findings').map((p) => p.y)).to.deep.equal([plotTop, yOf(5), plotBottom]);

    const svg = runChart(history, 'vmdr', 'c0');
    const drawn = circles(svg);
    expect(drawn).to.have.length(6);
    expect(drawn.filter((c) => c.series === 'openTickets').map((c) => [c.cx, c.cy, c.value])).to.deep.equal(tickets.map((p) => [p.x, p.y, p.value]));
    // The failed run's points are marked, in both series.
    expect(drawn.filter((c) => c.cls.includes('failed')).map((c) => c.run)).to.deep.equal([2, 2]);
    // One line per series through its points.
    expect(svg.match(/<polyline class="line s-tickets" points="([^"]+)"/)?.[1]).to.equal(tickets.map((p) => `${p.x},${p.y}`).join(' '));
    expect(svg).to.match(/<polyline class="line s-findings"/);
    // Axes with their labels, and the legend.
    for (const label of ['>0<', '>20<', '>40<', '>01-10 08:00<', '>01-10 20:00<', '>end of run (UTC)<', '>open tickets<', '>findings pulled<', '>failed run<']) {
      expect(svg, label).to.include(label);
    }
    expect(svg).to.match(/^<svg class="chart" viewBox="0 0 480 250" role="img" aria-labelledby="c0-t c0-d"/);
    expect(svg).to.include('<desc id="c0-d">3 run(s) from 2026-01-10 08:00 UTC to 2026-01-10 20:00 UTC; last run: 35 open ticket(s), 0 finding(s) pulled.</desc>');
  });

  it('draws an empty frame saying so when there is no finished run', () => {
    const svg = runChart([], 'new-job', 'c1');
    expect(circles(svg)).to.deep.equal([]);
    expect(svg).to.not.include('<polyline');
    expect(svg).to.include('no finished runs yet');
    expect(svg).to.include('<desc id="c1-d">No finished runs yet.</desc>');
    expect(svg.endsWith('</svg>')).to.equal(true);
  });

  it('puts a lone run in the middle, labelled with its time, without a line', () => {
    const svg = runChart([run('2026-01-10T08:30:00Z', 3, 5)], 'one', 'c2');
    const drawn = circles(svg);
    expect(drawn.map((c) => c.cx)).to.deep.equal([(plotLeft + plotRight) / 2, (plotLeft + plotRight) / 2]);
    expect(drawn.map((c) => c.value)).to.deep.equal([3, 5]);
    expect(svg).to.not.include('<polyline');
    expect(svg).to.include('text-anchor="middle">01-10 08:30<');
  });

  it('leaves out the values a run did not record (runs from before open tickets were counted), and keeps an all-zero history on a 0..1 axis', () => {
    const layout = layoutChart([run('2026-01-10T08:00:00Z', undefined, 0), run('2026-01-11T08:00:00Z', 0, 0)]);
    expect(layout.points.filter((p) => p.series === 'openTickets').map((p) => p.run)).to.deep.equal([1]);
    expect(layout.points.filter((p) => p.series === 'findings').map((p) => p.run)).to.deep.equal([0, 1]);
    expect(layout.yTicks).to.deep.equal([0, 1]);
  });

  it('labels the x axis with seconds when the runs came within an hour', () => {
    const layout = layoutChart([run('2026-01-10T08:00:05Z', 1, 1), run('2026-01-10T08:00:45Z', 1, 1)]);
    expect(layout.xLabels.map((l) => l.text)).to.deep.equal(['08:00:05', '08:00:45']);
  });

  it('rounds large axes to 1, 2 or 5 × 10^k, labels thousands and uses dates over long spans', () => {
    const layout = layoutChart([run('2026-01-01T00:00:00Z', 12_345, 800), run('2026-01-20T00:00:00Z', 9_000, 20)]);
    expect(layout.yMax).to.equal(15_000);
    expect(layout.yTicks).to.deep.equal([0, 5_000, 10_000, 15_000]);
    expect(layout.xLabels.map((l) => l.text)).to.deep.equal(['2026-01-01', '2026-01-20']);
    expect(runChart([run('2026-01-01T00:00:00Z', 12_345, 800)], 'big', 'c3')).to.include('>15,000<');
  });

  it('escapes the job name and the run’s result in titles', () => {
    const svg = runChart([run('2026-01-10T08:00:00Z', 1, 1, '<b>x</b>')], '<script>"&', 'c4');
    expect(svg).to.include('Run history of &lt;script&gt;&quot;&amp;:');
    expect(svg).to.include('&lt;b&gt;x&lt;/b&gt;');
    expect(svg).to.not.include('<script>');
    expect(svg).to.not.include('<b>');
  });
});
