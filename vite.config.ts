import { defineConfig } from 'vite';
import { RESPONSE_HEADERS, WORKER_FOLDER } from './app/main/security.ts';

// The renderer is one static site: it runs in Electron (custom protocol) and as a plain page in Chromium.
export default defineConfig({
  root: 'app/renderer',
  base: './',
  publicDir: 'public',
  build: { outDir: '../../dist/renderer', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 9000 },
  // Worker bundles and their chunks in one folder, served with the worker CSP (security.ts responseHeaders).
  worker: {
    format: 'es',
    rollupOptions: { output: { entryFileNames: `${WORKER_FOLDER}/[name]-[hash].js`, chunkFileNames: `${WORKER_FOLDER}/[name]-[hash].js` } },
  },
  server: { headers: { ...RESPONSE_HEADERS } },
  preview: { headers: { ...RESPONSE_HEADERS } },
});
