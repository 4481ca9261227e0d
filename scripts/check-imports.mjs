#!/usr/bin/env node
// The import check of `npm test` (npm run check:imports): no import circle among our own modules, and no import
// from a lower layer to a higher one (docs/ARCHITECTURE.md, "Layers and rooms"). Every relative specifier counts:
// static imports and re-exports (type-only ones too), literal dynamic imports and `new URL('...', import.meta.url)`
// worker entries. Prints each violation and exits 1; prints a one-line summary and exits 0 when there is none.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// The repository, or the folder given as the first argument (the unit test checks a small tree of its own).
const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
const FOLDERS = ['app', 'agents', 'sim', 'bench', 'tests', 'scripts'];
const SOURCE = /\.(ts|mts|mjs)$/;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new\s+URL\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g;

/**
 * Who may not import whom: [importer prefix, forbidden target prefix, why]. Layers: app -> agents -> sim, never
 * backwards; bench and tests sit on top. Inside app: runtime/ is shared by the CLI, the renderer and main, so
 * it imports none of them. Inside agents: the rooms of docs/ARCHITECTURE.md.
 */
const RULES = [
  ['sim/', 'agents/', 'sim/ is the lowest layer'],
  ['sim/', 'app/', 'sim/ is the lowest layer'],
  ['agents/', 'app/', 'agents/ sits below app/'],
  ['app/', 'bench/', 'benchmarks are developer scripts, not part of the app'],
  ['app/', 'tests/', 'tests are not part of the app'],
  ['agents/', 'bench/', 'benchmarks are developer scripts'],
  ['agents/', 'tests/', 'tests are not part of the agents'],
  ['sim/', 'bench/', 'benchmarks are developer scripts'],
  ['sim/', 'tests/', 'tests are not part of sim/'],
  ['app/runtime/', 'app/cli/', 'runtime/ is shared by the CLI, the renderer and main'],
  ['app/runtime/', 'app/renderer/', 'runtime/ is shared by the CLI, the renderer and main'],
  ['app/runtime/', 'app/main/', 'runtime/ is shared by the CLI, the renderer and main'],
  ['agents/shared/', 'agents/on-policy/', 'shared pieces know no algorithm'],
  ['agents/shared/', 'agents/off-policy/', 'shared pieces know no algorithm'],
  ['agents/shared/', 'agents/export/', 'shared pieces know no algorithm'],
  ['agents/shared/', 'agents/registry.ts', 'shared pieces know no algorithm'],
  ['agents/on-policy/', 'agents/off-policy/', 'the two families share through agents/shared/'],
  ['agents/off-policy/', 'agents/on-policy/', 'the two families share through agents/shared/'],
  ['agents/on-policy/', 'agents/registry.ts', 'algorithms import contract.ts; registry.ts imports them'],
  ['agents/off-policy/', 'agents/registry.ts', 'algorithms import contract.ts; registry.ts imports them'],
  ['agents/export/', 'agents/on-policy/', 'export works on PolicySnapshot (policy.ts), not on an algorithm'],
  ['agents/export/', 'agents/off-policy/', 'export works on PolicySnapshot (policy.ts), not on an algorithm'],
];

function walk(folder, out) {
  if (!existsSync(folder)) return out;
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (SOURCE.test(name)) out.push(path);
  }
  return out;
}

const files = FOLDERS.flatMap((folder) => walk(join(root, folder), []));
const rel = (path) => relative(root, path).split(sep).join('/');
const graph = new Map();
const problems = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const targets = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const target = resolve(dirname(file), match[2]);
    // JSON presets and assets are no modules; a path that exists nowhere is text in a string (tsc finds a bad import).
    if (!SOURCE.test(target) || !existsSync(target)) continue;
    targets.push(rel(target));
  }
  graph.set(rel(file), [...new Set(targets)]);
}

for (const [from, targets] of graph) {
  for (const to of targets) {
    for (const [importer, forbidden, why] of RULES) {
      if (from.startsWith(importer) && to.startsWith(forbidden)) problems.push(`${from} imports ${to}: ${why}`);
    }
  }
}

// Circles: strongly connected components of more than one module (Tarjan), or a module importing itself.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function connect(v) {
  index.set(v, counter);
  low.set(v, counter);
  counter++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!index.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) !== index.get(v)) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    onStack.delete(w);
    component.push(w);
  } while (w !== v);
  if (component.length > 1 || (graph.get(v) ?? []).includes(v)) problems.push(`import circle: ${component.sort().join(' <-> ')}`);
}
for (const v of graph.keys()) if (!index.has(v)) connect(v);

const edges = [...graph.values()].reduce((sum, targets) => sum + targets.length, 0);
if (problems.length > 0) {
  for (const problem of problems) console.error(`check:imports: ${problem}`);
  console.error(`check:imports: ${problems.length} problem(s) in ${graph.size} modules`);
  process.exit(1);
}
console.log(`check:imports: ${graph.size} modules, ${edges} imports: no circle, no import against the layers`);
