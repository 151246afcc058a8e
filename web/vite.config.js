// Vite config for the rapport UI: hashed assets under assets/, output in
// web/dist (served by `rapport serve`), a .gz beside each text file (the
// server sends it to clients that accept gzip) and the JS budget check.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { gzipFiles } from './scripts/gzip-plugin.mjs';
import { checkBudget } from './scripts/budget.mjs';

// RAPPORT_WEB_OUT builds elsewhere (relative to web/), for parallel builds.
const OUT_DIR = process.env.RAPPORT_WEB_OUT || 'dist';

export default defineConfig({
  plugins: [
    preact(),
    gzipFiles(),
    {
      name: 'rapport-budget',
      apply: 'build',
      closeBundle() {
        checkBudget(new URL(OUT_DIR + '/', new URL('./', import.meta.url)).pathname);
      },
    },
  ],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2020',
  },
  server: {
    // `npm run dev`: the API of a running `rapport serve` (RAPPORT_URL,
    // default http://127.0.0.1:8080) behind Vite's dev server.
    proxy: {
      '/api': process.env.RAPPORT_URL || 'http://127.0.0.1:8080',
      '/healthz': process.env.RAPPORT_URL || 'http://127.0.0.1:8080',
    },
  },
});
