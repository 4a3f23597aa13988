// The playground: a static app over the library's browser entry (dist/browser.js, built by
// `npm run build:ts`). The alias keeps the package's `new URL('../../build/*.wasm', import.meta.url)`
// and its thread workers intact: Vite serves them from the repository in dev and emits them as
// assets in `vite build`. COOP/COEP make the page cross-origin isolated, so the kernels use threads.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('..', import.meta.url));
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { scratchnet: `${repo}dist/browser.js` } },
  server: { headers: isolation, fs: { allow: [repo] } },
  preview: { headers: isolation },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['scratchnet'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0 },
});
