import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The rules of .dependency-cruiser.cjs (docs/architecture.md): which folder of connector/
 * may import which. `npm test` runs them before mocha too (`npm run lint:arrows`).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const BIN = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function depcruise(cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'connector', '--config', CONFIG, '--output-type', 'err'], { cwd, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

function write(dir: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}

describe('architecture: arrows point down (.dependency-cruiser.cjs)', function () {
  this.timeout(120_000);

  it('connector/ imports only what its folder may import', async () => {
    const { code, out } = await depcruise(ROOT);
    if (code !== 0) {
      expect.fail(
        `an import breaks the folder rules of .dependency-cruiser.cjs (docs/architecture.md tells which folder may import which; ` +
          `move the shared code down a level instead of importing up or sideways):\n${out}`,
      );
    }
  });

  it('sees upward imports written as NodeNext .js specifiers of .ts files, type-only ones too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vb-arrows-'));
    try {
      write(dir, 'tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['connector/**/*.ts'] }));
      write(dir, 'connector/templates/types.ts', "export type TicketRole = 'single' | 'parent' | 'child';\n");
      write(dir, 'connector/state/ticketStore.ts', "import type { TicketRole } from '../templates/types.js';\nexport type Row = { role: TicketRole };\n");
      write(dir, 'connector/sources/jfrog-xray/severity.ts', 'export const SEVERITY_RANK = { High: 4 };\n');
      write(dir, 'connector/routing/router.ts', "import { SEVERITY_RANK } from '../sources/jfrog-xray/severity.js';\nexport const rank = SEVERITY_RANK.High;\n");
      const { code, out } = await depcruise(dir);
      expect(code, out).to.not.equal(0);
      expect(out).to.include('state-imports-only-below: connector/state/ticketStore.ts → connector/templates/types.ts');
      expect(out).to.include('vendors-only-through-registry: connector/routing/router.ts → connector/sources/jfrog-xray/severity.ts');
      expect(out).not.to.include('not-to-unresolvable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
