// Builds the renderer (Vite) and Electron's main and preload scripts (esbuild, CommonJS as Electron's
// sandboxed preload requires). `--renderer` builds the renderer only (what the web mode and e2e tests need).
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const rendererOnly = process.argv.includes('--renderer');

await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
// tfjs-backend-wasm fetches its .wasm files at run time from a folder the app names (agents/shared/tf.ts).
const wasmSource = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
mkdirSync('dist/renderer/tfjs-wasm', { recursive: true });
for (const file of readdirSync(wasmSource).filter((name) => name.endsWith('.wasm')))
  copyFileSync(join(wasmSource, file), join('dist/renderer/tfjs-wasm', file));
console.log('built renderer -> dist/renderer');

if (!rendererOnly) {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['electron'], sourcemap: true, logLevel: 'warning' };
  await esbuild({ ...common, entryPoints: ['app/main/main.ts'], outfile: 'dist/electron/main.cjs' });
  await esbuild({ ...common, entryPoints: ['app/preload/preload.ts'], outfile: 'dist/electron/preload.cjs' });
  console.log('built electron main and preload -> dist/electron');
}
