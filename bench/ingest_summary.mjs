// Summarizes the result files of several ingest.mjs runs (bench/ingest.sh --repeat N): per engine
// the median, minimum and maximum rows/s, and strata's ratio to each peer's median. The strata
// server's peak memory per run comes from a side file written by ingest.sh.
//
// Usage: node bench/ingest_summary.mjs <runs.json>
//   runs.json: [{"result": "<ingest-*.json>", "strata_peak_rss_kib": N, "strata_rows": N}, ...]
import fs from 'node:fs';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmtInt = (x) => Math.round(x).toLocaleString('en-US');

const runs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const perEngine = new Map();
let options = null;
for (const run of runs) {
  const result = JSON.parse(fs.readFileSync(run.result, 'utf8'));
  options ??= result.options;
  for (const [engine, r] of Object.entries(result.results)) {
    if (r.status !== 'ok') continue;
    if (!perEngine.has(engine)) perEngine.set(engine, []);
    perEngine.get(engine).push({
      ...r,
      peak_rss_kib: engine === 'strata' ? run.strata_peak_rss_kib : null,
      cpu_s: engine === 'strata' ? run.strata_cpu_s ?? null : null,
    });
  }
}
if (perEngine.size === 0) {
  console.error('no successful runs to summarize');
  process.exit(1);
}

const summary = {};
for (const [engine, rs] of perEngine) {
  summary[engine] = {
    runs: rs.length,
    input: rs[0].input,
    rows: rs[0].rows,
    rows_per_s: { median: median(rs.map((r) => r.rows_per_s)), min: Math.min(...rs.map((r) => r.rows_per_s)), max: Math.max(...rs.map((r) => r.rows_per_s)) },
    seconds_median: median(rs.map((r) => r.seconds)),
  };
  if (engine === 'strata') {
    summary[engine].request_ms_p50_median = median(rs.map((r) => r.request_ms.p50));
    summary[engine].request_ms_p99_median = median(rs.map((r) => r.request_ms.p99));
    const rss = rs.map((r) => r.peak_rss_kib).filter((x) => x != null);
    if (rss.length) summary[engine].peak_rss_mib = { median: median(rss) / 1024, max: Math.max(...rss) / 1024 };
    const cpu = rs.filter((r) => r.cpu_s != null).map((r) => (r.cpu_s * 1e6) / r.rows);
    if (cpu.length) summary[engine].cpu_us_per_row = { median: median(cpu), min: Math.min(...cpu), max: Math.max(...cpu) };
  }
}

const strata = summary.strata;
console.log(`\nIngest, ${runs.length} runs; TSBS cpu-only ${strata?.rows ?? Object.values(summary)[0].rows} rows; ` +
  `strata: ${options.concurrency} clients x ${options.batch_lines} lines/request, durable WAL\n`);
console.log('| engine | input | runs | median rows/s | min | max | median s | strata / engine |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const [engine, s] of Object.entries(summary)) {
  const ratio = strata ? (strata.rows_per_s.median / s.rows_per_s.median).toFixed(2) + 'x' : '-';
  console.log(`| ${engine} | ${s.input} | ${s.runs} | ${fmtInt(s.rows_per_s.median)} | ${fmtInt(s.rows_per_s.min)} | ` +
    `${fmtInt(s.rows_per_s.max)} | ${s.seconds_median.toFixed(2)} | ${ratio} |`);
}
if (strata) {
  const rss = strata.peak_rss_mib ? `peak RSS median ${strata.peak_rss_mib.median.toFixed(0)} MiB (max ${strata.peak_rss_mib.max.toFixed(0)} MiB)` : 'peak RSS not measured';
  console.log(`\nstrata: request latency p50 ${strata.request_ms_p50_median.toFixed(1)} ms, p99 ${strata.request_ms_p99_median.toFixed(1)} ms (medians over runs); server ${rss}`);
  if (strata.cpu_us_per_row) {
    const c = strata.cpu_us_per_row;
    console.log(`strata: server CPU (user + system) per row median ${c.median.toFixed(3)} µs ` +
      `(min ${c.min.toFixed(3)}, max ${c.max.toFixed(3)}), start-up included`);
  }
}
const out = process.argv[2].replace(/\.json$/, '') + '-summary.json';
fs.writeFileSync(out, JSON.stringify({ options, summary }, null, 2));
console.log(`summary written to ${out}`);
