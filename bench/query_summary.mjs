// Prints the query benchmark of one ../shared/bench/run.mjs result file as the markdown table of
// docs/benchmarks.md: per query type each engine's median (min / p90) in ms, strata's ratio to
// each peer from the same run, the target, and whether the results matched DuckDB's. With a
// second argument (one time-to-first-byte in seconds per line), also the median and minimum
// time to first byte of `SELECT 1`.
//
// Usage: node bench/query_summary.mjs <run-result.json> [ttfb.txt]
import fs from 'node:fs';

// Targets from issue 3: at or below DuckDB everywhere, at most half of it on time-range queries.
const HALF = new Set([
  'single-groupby-1-1-1', 'single-groupby-5-8-1', 'single-groupby-1-8-1', 'single-groupby-5-1-1',
  'single-groupby-5-1-12', 'single-groupby-1-1-12', 'cpu-max-all-1', 'cpu-max-all-8',
  'high-cpu-1', 'groupby-orderby-limit',
]);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const ms = (x) => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

const run = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const engines = Object.entries(run.engines).filter(([, e]) => e.status === 'ok').map(([n]) => n);
const peers = engines.filter((e) => e !== 'strata');
const versions = engines.map((e) => `${e} ${run.engines[e].version}`).join(', ');
console.log(`Run of ${run.started_at} (${run.options.rounds} rounds, ${run.options.threads} threads; ${versions}).\n`);

const header = ['query type', ...engines.map((e) => `${e} ms`), ...peers.map((p) => `strata/${p}`), 'target (strata/duckdb)', 'rows match'];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map((h, i) => (i === 0 || h === 'target (strata/duckdb)' || h === 'rows match' ? '---' : '---:')).join('|')}|`);
let missed = 0;
for (const [type, results] of Object.entries(run.results)) {
  if (!engines.some((e) => results[e]?.median_ms !== undefined)) continue;  // not run (e.g. lastpoint-cache before the cache exists)
  const cells = [type];
  for (const e of engines) {
    const r = results[e];
    cells.push(r && r.median_ms !== undefined ? `${ms(r.median_ms)} (${ms(r.min_ms)} / ${ms(r.p90_ms)})` : '–');
  }
  const target = HALF.has(type) ? 0.5 : 1;
  for (const p of peers) {
    const ratio = run.ratios?.[type]?.[`strata/${p}`];
    if (ratio === undefined) {
      cells.push('–');
      continue;
    }
    const hit = p !== 'duckdb' || ratio <= target;
    if (!hit) missed += 1;
    cells.push(hit ? ratio.toFixed(2) : `**${ratio.toFixed(2)}**`);
  }
  cells.push(results.strata && peers.includes('duckdb') && run.ratios?.[type] ? `≤ ${target}` : '–');
  const check = run.checks?.[type]?.strata;
  cells.push(check ? (check.status === 'ok' ? 'yes' : `**${check.status}**`) : '–');
  console.log(`| ${cells.join(' | ')} |`);
}
if (peers.includes('duckdb')) {
  console.log(`\nDuckDB targets missed: ${missed}.`);
}
if (process.argv[3]) {
  const ttfb = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter(Boolean).map(Number).map((s) => s * 1000);
  console.log(`Time to first byte of \`SELECT 1\` over HTTP (${ttfb.length} requests): median ${ms(median(ttfb))} ms, min ${ms(Math.min(...ttfb))} ms.`);
}
