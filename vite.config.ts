import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { RESPONSE_HEADERS, WORKER_FOLDER } from './app/main/security.ts';

/**
 * The physics engines ship once each. Both are one ES module file with their wasm inlined: mujoco-js (MuJoCo, about
 * 11 MB) and @dimforge/rapier3d-simd-compat (Rapier, about 3 MB). Vite builds each Web Worker on its own, so a bundled
 * engine lands in every worker that can reach it (the trainer, the player and the env workers) and in the page:
 * four copies of MuJoCo, two of Rapier. Instead each stays an external import whose path is rewritten to its file,
 * copied there as is. The path is relative and starts with `../`, so it names the same file from the page's chunks
 * (assets/) and from the workers' (workers/). Each is still imported only where sim/ imports it, on first use.
 */
const SHIPPED_ONCE: Readonly<Record<string, string>> = {
  'mujoco-js': `${WORKER_FOLDER}/engines/mujoco_wasm.js`,
  '@dimforge/rapier3d-simd-compat': `${WORKER_FOLDER}/engines/rapier.mjs`,
};
/** Each package's ES module, beside the file Node's require resolves (Rapier's is its CommonJS build). */
const ES_MODULE_FILE: Readonly<Record<string, string>> = { 'mujoco-js': 'mujoco_wasm.js', '@dimforge/rapier3d-simd-compat': 'rapier.mjs' };
const external = Object.keys(SHIPPED_ONCE);
const paths = Object.fromEntries(Object.entries(SHIPPED_ONCE).map(([name, file]) => [name, `../${file}`]));

function shipEnginesOnce(): Plugin {
  return {
    name: 'sinew:ship-engines-once',
    apply: 'build',
    generateBundle() {
      const require = createRequire(import.meta.url);
      for (const [name, fileName] of Object.entries(SHIPPED_ONCE)) {
        // Without the source map comment: the map is not shipped, and a browser would ask for it.
        const source = readFileSync(join(dirname(require.resolve(name)), ES_MODULE_FILE[name]), 'utf8').replace(
          /\n\/\/# sourceMappingURL=\S+\s*$/,
          '\n',
        );
        this.emitFile({ type: 'asset', fileName, source });
      }
    },
  };
}

// The renderer is one static site: it runs in Electron (custom protocol) and as a plain page in Chromium.
export default defineConfig({
  root: 'app/renderer',
  base: './',
  publicDir: 'public',
  plugins: [shipEnginesOnce()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 9000,
    rollupOptions: { external, output: { paths } },
  },
  // Worker bundles and their chunks in one folder, served with the worker CSP (security.ts responseHeaders).
  worker: {
    format: 'es',
    rollupOptions: {
      external,
      output: { paths, entryFileNames: `${WORKER_FOLDER}/[name]-[hash].js`, chunkFileNames: `${WORKER_FOLDER}/[name]-[hash].js` },
    },
  },
  server: { headers: { ...RESPONSE_HEADERS } },
  preview: { headers: { ...RESPONSE_HEADERS } },
});
