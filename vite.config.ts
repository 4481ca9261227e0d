import { defineConfig } from 'vite';
import { RESPONSE_HEADERS } from './app/main/security.ts';

// The renderer is one static site: it runs in Electron (custom protocol) and as a plain page in Chromium.
export default defineConfig({
  root: 'app/renderer',
  base: './',
  publicDir: 'public',
  build: { outDir: '../../dist/renderer', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 9000 },
  worker: { format: 'es' },
  server: { headers: { ...RESPONSE_HEADERS } },
  preview: { headers: { ...RESPONSE_HEADERS } },
});
