import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const trees: string[] = [];
afterAll(() => trees.forEach((tree) => rmSync(tree, { recursive: true, force: true })));

/** Runs scripts/check-imports.mjs on a tree of the given files (path -> text). */
function check(files: Record<string, string>): { status: number | null; output: string } {
  const tree = mkdtempSync(join(tmpdir(), 'sinew-imports-'));
  trees.push(tree);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  const result = spawnSync(process.execPath, ['scripts/check-imports.mjs', tree], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('the import check (npm run check:imports)', () => {
  it('passes a tree whose imports follow the layers', () => {
    const { status, output } = check({
      'sim/env.ts': 'export const x = 1;\n',
      'agents/contract.ts': "import type { x } from '../sim/env.ts';\nexport type Y = typeof x;\n",
      'app/runtime/run.ts': "import type { Y } from '../../agents/contract.ts';\nexport type Z = Y;\n",
    });
    expect(output).toContain('3 modules, 2 imports');
    expect(status).toBe(0);
  });

  it('names an import circle, type-only imports and worker entries (new URL) included', () => {
    const { status, output } = check({
      'agents/a.ts': "import type { B } from './b.ts';\nexport type A = B;\n",
      'agents/b.ts': "export type B = number;\nexport const worker = new URL('./c.ts', import.meta.url);\n",
      'agents/c.ts': "import type { A } from './a.ts';\nexport type C = A;\n",
    });
    expect(status).toBe(1);
    expect(output).toContain('import circle: agents/a.ts <-> agents/b.ts <-> agents/c.ts');
  });

  it('names imports against the layers and a runtime that imports the command line', () => {
    const { status, output } = check({
      'sim/env.ts': "import { run } from '../agents/run.ts';\nexport const x = run;\n",
      'agents/run.ts': 'export const run = 1;\n',
      'app/cli/args.ts': 'export const parse = 1;\n',
      'app/runtime/session.ts': "import { parse } from '../cli/args.ts';\nexport const s = parse;\n",
    });
    expect(status).toBe(1);
    expect(output).toContain('sim/env.ts imports agents/run.ts: sim/ is the lowest layer');
    expect(output).toContain('app/runtime/session.ts imports app/cli/args.ts: runtime/ is shared by the CLI, the renderer and main');
    expect(output).toContain('2 problem(s) in 4 modules');
  });
});
