// A Vite plugin that writes X.gz beside every text file of the build
// (js, css, html, svg, json, txt, map) with node's zlib at level 9.
// `rapport serve` answers with it when the client accepts gzip.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const TEXT = /\.(js|mjs|css|html|svg|json|txt|map)$/;

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

export function gzipAll(dir) {
  let n = 0;
  for (const f of walk(dir)) {
    if (!TEXT.test(f)) continue;
    const gz = gzipSync(readFileSync(f), { level: constants.Z_BEST_COMPRESSION });
    writeFileSync(f + '.gz', gz);
    n++;
  }
  return n;
}

export function gzipFiles() {
  let outDir = 'dist';
  return {
    name: 'rapport-gzip',
    apply: 'build',
    configResolved(cfg) {
      outDir = cfg.build.outDir.startsWith('/') ? cfg.build.outDir : join(cfg.root, cfg.build.outDir);
    },
    closeBundle: {
      order: 'pre',
      handler() {
        gzipAll(outDir);
      },
    },
  };
}
