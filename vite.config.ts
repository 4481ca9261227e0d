import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';
import { RESPONSE_HEADERS, WORKER_FOLDER } from './app/main/security.ts';

/**
 * The MuJoCo engine (npm mujoco-js, about 11 MB with its wasm inlined) is one file the bundle ships once. Vite builds
 * each Web Worker on its own, so a bundled mujoco-js lands in every worker that can reach it (the trainer, the
 * player and the env workers) and in the page: four copies. Instead, `mujoco-js` stays an external import whose path
 * is rewritten to this file, and the file is copied there as is. The path is relative and starts with `../`, so it
 * names the same file from the page's chunks (assets/) and from the workers' (workers/). It is still imported only
 * where sim/engines/mujoco/module.ts imports it: when a run chooses MuJoCo.
 */
const MUJOCO_FILE = `${WORKER_FOLDER}/mujoco/mujoco_wasm.js`;
const mujocoExternal = { external: ['mujoco-js'], output: { paths: { 'mujoco-js': `../${MUJOCO_FILE}` } } } as const;

function shipMujocoOnce(): Plugin {
  return {
    name: 'sinew:ship-mujoco-once',
    apply: 'build',
    generateBundle() {
      const source = readFileSync(createRequire(import.meta.url).resolve('mujoco-js'));
      this.emitFile({ type: 'asset', fileName: MUJOCO_FILE, source });
    },
  };
}

// The renderer is one static site: it runs in Electron (custom protocol) and as a plain page in Chromium.
export default defineConfig({
  root: 'app/renderer',
  base: './',
  publicDir: 'public',
  plugins: [shipMujocoOnce()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 9000,
    rollupOptions: { external: [...mujocoExternal.external], output: { ...mujocoExternal.output } },
  },
  // Worker bundles and their chunks in one folder, served with the worker CSP (security.ts responseHeaders).
  worker: {
    format: 'es',
    rollupOptions: {
      external: [...mujocoExternal.external],
      output: { ...mujocoExternal.output, entryFileNames: `${WORKER_FOLDER}/[name]-[hash].js`, chunkFileNames: `${WORKER_FOLDER}/[name]-[hash].js` },
    },
  },
  server: { headers: { ...RESPONSE_HEADERS } },
  preview: { headers: { ...RESPONSE_HEADERS } },
});
