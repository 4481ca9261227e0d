// Builds the renderer (Vite) and Electron's main and preload scripts (esbuild, CommonJS as Electron's
// sandboxed preload requires). `--renderer` builds the renderer only (what the web mode and e2e tests need).
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';

const rendererOnly = process.argv.includes('--renderer');

await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
console.log('built renderer -> dist/renderer');

if (!rendererOnly) {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['electron'], sourcemap: true, logLevel: 'warning' };
  await esbuild({ ...common, entryPoints: ['app/main/main.ts'], outfile: 'dist/electron/main.cjs' });
  await esbuild({ ...common, entryPoints: ['app/preload/preload.ts'], outfile: 'dist/electron/preload.cjs' });
  console.log('built electron main and preload -> dist/electron');
}
