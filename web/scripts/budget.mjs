// The JavaScript budget of issue 7: the gzipped size of every .js file the
// build wrote must stay under 150 kB. Run after a build (`npm run budget`,
// also part of `npm run build` through vite.config.js); exits 1 when over.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';

export const BUDGET_BYTES = 150 * 1000;

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/* Prints the gzipped JS size of dir and throws when it is over the budget. */
export function checkBudget(dir) {
  let total = 0;
  for (const f of walk(dir)) {
    if (!/\.m?js$/.test(f)) continue;
    total += gzipSync(readFileSync(f), { level: constants.Z_BEST_COMPRESSION }).length;
  }
  const kb = (total / 1000).toFixed(1);
  const line = `web budget: ${kb} kB of gzipped JavaScript (limit ${BUDGET_BYTES / 1000} kB)`;
  if (total > BUDGET_BYTES) throw new Error(line + ' -- over budget');
  console.log(line);
  return total;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    checkBudget(process.argv[2] || new URL('../dist', import.meta.url).pathname);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
