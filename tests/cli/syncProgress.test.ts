import { expect } from 'chai';
import { Writable } from 'node:stream';
import type { AppContext } from '../../connector/cli/appContext.js';
import { syncCommand } from '../../connector/cli/commands/syncCommand.js';
import { syncProgress, type ProgressBar, type ProgressStream } from '../../connector/cli/syncProgress.js';
import { PER_VIOLATION, startXrayWorld, type XrayWorld } from '../e2e/support/xrayWorld.js';

/** A stream that keeps what is written; `isTTY` as the test says. */
function captureStream(isTTY: boolean): ProgressStream & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { isTTY, columns: 120, text: () => chunks.join('') });
}

/** A bar that records how it was driven. */
function recordingBars(): { calls: Array<[string, ...unknown[]]>; makeBar: (format: string) => ProgressBar } {
  const calls: Array<[string, ...unknown[]]> = [];
  return {
    calls,
    makeBar: (format) => {
      calls.push(['new', format]);
      return {
        start: (total, value, payload) => calls.push(['start', total, value, payload]),
        update: (value, payload) => calls.push(['update', value, payload]),
        stop: () => calls.push(['stop']),
      };
    },
  };
}

describe('cli/syncProgress: a bar on a terminal, plain lines otherwise', () => {
  let clock = 0;
  const now = () => clock;

  it('not a terminal: a plain line at each phase and every interval, with rate, total and ETA when known', () => {
    clock = 0;
    const stream = captureStream(false);
    const p = syncProgress({ stream, intervalSeconds: 30, now });
    p.onProgress({ job: 'xray', phase: 'prepare', findings: 0 });
    clock = 1000;
    p.onProgress({ job: 'xray', phase: 'pull', page: 'watch prod page 1', findings: 100, expected: { done: 100, total: 1000, unit: 'violations' } });
    clock = 11_000;
    p.onProgress({ job: 'xray', phase: 'pull', page: 'watch prod page 2', findings: 200, expected: { done: 200, total: 1000, unit: 'violations' } });
    clock = 31_000;
    p.onProgress({ job: 'xray', phase: 'pull', page: 'watch prod page 3', findings: 300, expected: { done: 400, total: 1000, unit: 'violations' } });
    p.stop();
    expect(stream.text().split('\n')).to.deep.equal([
      'xray: checking the ticketing system',
      'xray: pull watch prod page 1: 100 findings, 100 of 1,000 violations',
      // 300 findings in 30 s of pull: 10/s; 300 more violations in 30 s since the total showed, 600 left.
      'xray: pull watch prod page 3: 300 findings, 400 of 1,000 violations, 10/s, ETA 1m00s',
      '',
    ]);
  });

  it('a terminal: drives a bar per phase (the total where known, a running count otherwise) and stops it', () => {
    clock = 0;
    const bars = recordingBars();
    const p = syncProgress({ stream: captureStream(true), intervalSeconds: 30, now, makeBar: bars.makeBar });
    p.onProgress({ job: 'vmdr', phase: 'pull', page: 'page 1', findings: 1000 });
    clock = 10_000;
    p.onProgress({ job: 'vmdr', phase: 'pull', page: 'page 2', findings: 2000 });
    p.onProgress({ job: 'vmdr', phase: 'apply', findings: 0, expected: { done: 0, total: 2000, unit: 'findings' } });
    clock = 20_000;
    p.onProgress({ job: 'vmdr', phase: 'apply', findings: 500, expected: { done: 500, total: 2000, unit: 'findings' } });
    p.stop();
    expect(bars.calls.map((c) => c[0])).to.deep.equal(['new', 'start', 'update', 'stop', 'new', 'start', 'update', 'stop']);
    expect(bars.calls[0]?.[1]).to.not.include('{bar}');
    expect(bars.calls[2]).to.deep.include(2000);
    expect((bars.calls[2]?.[2] as { line: string }).line).to.equal('vmdr: pull page 2: 2,000 findings, 200/s');
    expect(bars.calls[4]?.[1]).to.include('{bar}');
    expect(bars.calls[5]?.slice(1, 3)).to.deep.equal([2000, 0]);
    // 500 findings in 10 s: 50/s; 1,500 left: 30 s.
    expect(bars.calls[6]?.[2]).to.deep.include({ unit: 'findings', details: ' | 50/s, ETA 30s' });
  });

  it('a terminal with the real cli-progress bar: it draws on the stream and ends with a newline', () => {
    clock = 0;
    const stream = captureStream(true);
    const p = syncProgress({ stream, intervalSeconds: 30, now });
    p.onProgress({ job: 'vmdr', phase: 'apply', findings: 0, expected: { done: 0, total: 10, unit: 'findings' } });
    clock = 1000;
    p.onProgress({ job: 'vmdr', phase: 'apply', findings: 5, expected: { done: 5, total: 10, unit: 'findings' } });
    p.stop();
    expect(stream.text()).to.match(/vmdr: apply \[.*\] \d+% \d+\/10 findings/).and.to.match(/\n$/);
  });
});

describe('vulnbridge sync: progress on stderr, never in the report (Xray and Jira simulators)', function () {
  this.timeout(60_000);
  let world: XrayWorld;
  let app: AppContext | undefined;

  beforeEach(async () => {
    world = await startXrayWorld();
    app = world.open(world.writeConfig([{ name: 'xray', template: PER_VIOLATION }]));
  });
  afterEach(async () => {
    app?.state.close();
    app = undefined;
    await world.close();
  });

  it('not a terminal: plain progress lines per phase on the progress stream; the report alone on out', async () => {
    const stream = captureStream(false);
    const out: string[] = [];
    const { exitCode } = await syncCommand(app!, { dryRun: false, json: false, out: (t) => out.push(t), progress: true, progressStream: stream });
    expect(exitCode).to.equal(0);
    const lines = stream.text().trim().split('\n');
    expect(lines[0]).to.equal('xray: checking the ticketing system');
    expect(lines.some((l) => /^xray: pull watch \S+ page 1: \d+ findings/.test(l)), stream.text()).to.equal(true);
    expect(lines.some((l) => /^xray: apply \d+ of \d+ findings/.test(l)), stream.text()).to.equal(true);
    expect(out.join('\n')).to.not.include('checking the ticketing system');
  });

  it('a terminal: the bar is drawn on the progress stream and ends before the report is printed', async () => {
    const stream = captureStream(true);
    let atReport = '';
    const out: string[] = [];
    await syncCommand(app!, {
      dryRun: false,
      json: false,
      out: (t) => {
        atReport ||= stream.text();
        out.push(t);
      },
      progress: true,
      progressStream: stream,
    });
    expect(atReport).to.include('xray: apply [').and.to.match(/\n$/);
    expect(stream.text()).to.equal(atReport);
  });
});
