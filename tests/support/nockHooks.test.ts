import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MOCHA = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');

/** Mocha in a child process on one file with the root hooks, without .mocharc.json (whose spec would add the whole suite). */
function runMocha(file: string): Promise<{ code: number; output: string }> {
  const args = ['--import', 'tsx', MOCHA, '--no-config', '--require', 'tests/support/nockHooks.ts', '--reporter', 'spec', '--exit', file];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

describe('tests/support/nockHooks (root hooks)', () => {
  it('fails a test that leaves a mock unused, naming the mock, and runs the tests after it', async function () {
    this.timeout(60_000);
    const { code, output } = await runMocha('tests/support/fixtures/nockHooks.fixture.ts');
    expect(code, output).to.equal(1);
    expect(output).to.contain('1 failing');
    expect(output).to.contain('4 passing');
    expect(output).to.match(/1\) nock hooks fixture\s+leaves a mock unused:/);
    expect(output).to.contain('the test left 1 HTTP mock(s) unused');
    expect(output).to.contain('GET https://unused.example.test:443/never-called');
    expect(output).to.not.contain('used.example.test:443/called');
  });
});
