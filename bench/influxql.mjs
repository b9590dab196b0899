// The TSBS cpu-only query shapes in InfluxQL next to the same queries in SQL, on one strata
// server: how much the InfluxQL layer (parsing, translation, series grouping, v1 JSON) costs
// over running the SQL directly.
//
// For every instance of queries.json (../shared/bench/make_queries.py) the InfluxQL form is the
// one TSBS generates for InfluxDB (cmd/tsbs_generate_queries/databases/influx/devops.go) with the
// instance's hosts and time window, with two changes so that both languages ask the same thing:
// cpu-max-all-8 groups by time(1h) (TSBS's InfluxDB form says 1m, its SQL forms 1 hour), and
// groupby-orderby-limit orders by time DESC (TSBS's InfluxDB form takes the first 5 minutes of all
// time; the SQL forms, the last 5 before the end). Each instance runs as:
//   sql       POST /api/v3/query_sql, format jsonl (as ../shared/bench/run.mjs does)
//   v1        GET /query?db=..&q=.. (what TSBS and the InfluxDB 1.x clients send; v1 JSON)
//   v3        POST /api/v3/query_influxql, format jsonl (the same output format as sql)
// Every instance runs once per mode as warm-up, and those results are checked against each other
// (rows as multisets of values, times as instants, numbers within 1e-9 relative; InfluxQL's rows
// without a number are fill(null) rows of empty intervals, which SQL does not have: a window that
// starts before the first or ends after the last point). Then --rounds
// timed rounds: per instance the modes run back to back, in a rotating order, so that drift on a
// noisy machine hits them alike. Times are from sending the request to the last byte.
//
// Usage: node bench/influxql.mjs [--rounds 10] [--types a,b] [--queries file] [--out file]
// Environment: STRATA_URL (http://127.0.0.1:8181), STRATA_DB (bench), BENCH_WORK.
import fs from 'node:fs';
import path from 'node:path';
import { HttpClient } from '../../shared/bench/lib/http_client.mjs';
import { benchWork, parseOptions, timestampForFileName } from '../../shared/bench/lib/options.mjs';
import { toEpochMillis } from '../../shared/bench/lib/result_compare.mjs';

const options = parseOptions({
  rounds: { type: 'int', default: 10, help: 'timed rounds over all instances' },
  types: { type: 'list', default: '', help: 'query types to run (default: all with an InfluxQL form)' },
  queries: { type: 'string', default: () => path.join(benchWork(), 'queries.json'), defaultText: '$BENCH_WORK/queries.json', help: 'query file' },
  out: { type: 'string', default: () => path.join(benchWork(), 'results', `influxql-${timestampForFileName()}.json`), defaultText: '$BENCH_WORK/results/influxql-<time>.json', help: 'results file' },
  'strata-url': { type: 'string', env: 'STRATA_URL', default: 'http://127.0.0.1:8181', help: 'strata server' },
  'strata-db': { type: 'string', env: 'STRATA_DB', default: 'bench', help: 'database' },
}, 'node bench/influxql.mjs [options]');

const MODES = ['sql', 'v1', 'v3'];
const FIELDS = ['usage_user', 'usage_system', 'usage_idle', 'usage_nice', 'usage_iowait', 'usage_irq',
  'usage_softirq', 'usage_steal', 'usage_guest', 'usage_guest_nice'];

// The instance's parameters, read back from its strata SQL.
function hostsOf(sql) {
  const m = /hostname IN \(([^)]*)\)/.exec(sql);
  return m ? [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]) : [];
}
function timesOf(sql) {
  return { start: /time >= '([^']+)'/.exec(sql)?.[1], end: /time < '([^']+)'/.exec(sql)?.[1] };
}
function metricsOf(sql, agg) {
  return [...sql.matchAll(new RegExp(`${agg}\\((usage_[a-z_]+)\\)`, 'g'))].map((m) => m[1]);
}
const hostWhere = (hosts) => `(${hosts.map((h) => `hostname = '${h}'`).join(' or ')})`;
const selectAgg = (agg, metrics) => metrics.map((m) => `${agg}(${m})`).join(', ');

// TSBS's InfluxQL for a query type (null: the type has no InfluxQL form here).
const INFLUXQL = {
  'single-groupby-1-1-1': groupByTime,
  'single-groupby-5-8-1': groupByTime,
  'single-groupby-1-8-1': groupByTime,
  'single-groupby-5-1-1': groupByTime,
  'single-groupby-5-1-12': groupByTime,
  'single-groupby-1-1-12': groupByTime,
  'cpu-max-all-1': (sql) => {
    const { start, end } = timesOf(sql);
    return `SELECT ${selectAgg('max', FIELDS)} from cpu where ${hostWhere(hostsOf(sql))} and time >= '${start}' and time < '${end}' group by time(1h)`;
  },
  'double-groupby-1': doubleGroupBy,
  'double-groupby-5': doubleGroupBy,
  'double-groupby-all': doubleGroupBy,
  'high-cpu-1': highCpu,
  'high-cpu-all': highCpu,
  lastpoint: () => 'SELECT * from cpu group by "hostname" order by time desc limit 1',
  'groupby-orderby-limit': (sql) => `SELECT max(usage_user) from cpu WHERE time < '${timesOf(sql).end}' group by time(1m) order by time desc limit 5`,
};
INFLUXQL['cpu-max-all-8'] = INFLUXQL['cpu-max-all-1'];

function groupByTime(sql) {
  const { start, end } = timesOf(sql);
  return `SELECT ${selectAgg('max', metricsOf(sql, 'max'))} from cpu where ${hostWhere(hostsOf(sql))} and time >= '${start}' and time < '${end}' group by time(1m)`;
}
function doubleGroupBy(sql) {
  const { start, end } = timesOf(sql);
  return `SELECT ${selectAgg('mean', metricsOf(sql, 'avg'))} from cpu where time >= '${start}' and time < '${end}' group by time(1h),hostname`;
}
function highCpu(sql) {
  const { start, end } = timesOf(sql);
  const hosts = hostsOf(sql);
  const where = hosts.length ? ` and ${hostWhere(hosts)}` : '';
  return `SELECT * from cpu where usage_user > 90.0${where} and time >= '${start}' and time < '${end}'`;
}

const client = new HttpClient(options['strata-url'], { timeoutMs: 300_000 });
const db = options['strata-db'];

function request(mode, instance, collect) {
  if (mode === 'v1') {
    const query = new URLSearchParams({ db, q: instance.influxql });
    return client.request('GET', `/query?${query}`, { countOnly: !collect });
  }
  const [target, q] = mode === 'sql' ? ['/api/v3/query_sql', instance.sql] : ['/api/v3/query_influxql', instance.influxql];
  return client.request('POST', target, {
    body: JSON.stringify({ db, q, format: 'jsonl' }),
    headers: { 'content-type': 'application/json', accept: 'application/jsonl' },
    countOnly: !collect,
  });
}

const TIME_COLUMNS = new Set(['time', 'minute', 'hour']);
const IGNORED_COLUMNS = new Set(['iox::measurement']);

// A result as rows, each row its values sorted (a multiset: the languages name and order their
// columns differently), times as epoch milliseconds.
function rowsOf(mode, body) {
  const text = body.toString('utf8');
  const rows = [];
  const cell = (name, value) => (TIME_COLUMNS.has(name) && value !== null ? toEpochMillis(value) : value);
  if (mode === 'v1') {
    const doc = JSON.parse(text);
    for (const result of doc.results) {
      if (result.error) throw new Error(result.error);
      for (const series of result.series ?? []) {
        const tags = Object.values(series.tags ?? {});
        for (const values of series.values) {
          if (!values.some((v, i) => typeof v === 'number' && series.columns[i] !== 'time')) continue;
          rows.push([...tags, ...values.map((v, i) => cell(series.columns[i], v))]);
        }
      }
    }
  } else {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const object = JSON.parse(line);
      if (mode === 'v3' && !Object.entries(object).some(([k, v]) => typeof v === 'number' && k !== 'time')) continue;
      rows.push(Object.entries(object).filter(([k]) => !IGNORED_COLUMNS.has(k)).map(([k, v]) => cell(k, v)));
    }
  }
  for (const row of rows) row.sort((a, b) => compareCells(a, b));
  rows.sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareCells(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  });
  return rows;
}

function compareCells(a, b) {
  const rank = (v) => (v === null ? 0 : typeof v === 'number' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'number') return a - b;
  return a === null ? 0 : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function sameRows(a, b) {
  if (a.length !== b.length) return `${a.length} rows vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return `row ${i}: ${a[i].length} values vs ${b[i].length}`;
    for (let j = 0; j < a[i].length; j++) {
      const x = a[i][j];
      const y = b[i][j];
      const equal = typeof x === 'number' && typeof y === 'number'
        ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y)) : x === y;
      if (!equal) return `row ${i}: ${JSON.stringify(a[i])} vs ${JSON.stringify(b[i])}`;
    }
  }
  return null;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const ms = (x) => (x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

const queries = JSON.parse(fs.readFileSync(options.queries, 'utf8'));
const wanted = options.types.length ? options.types : Object.keys(queries.types).filter((t) => INFLUXQL[t]);
for (const type of wanted) {
  if (!queries.types[type]) throw new Error(`no query type ${type} in ${options.queries}`);
  if (!INFLUXQL[type]) throw new Error(`query type ${type} has no InfluxQL form`);
}

const results = {};
let failed = false;
for (const type of wanted) {
  const instances = queries.types[type].instances.map((i) => ({ sql: i.strata, influxql: INFLUXQL[type](i.strata) }));
  const check = { status: 'ok' };
  let rows = 0;
  for (const [n, instance] of instances.entries()) {
    const answers = {};
    for (const mode of MODES) {
      const response = await request(mode, instance, true);
      if (response.status >= 300) {
        throw new Error(`${type} #${n} ${mode}: HTTP ${response.status}: ${response.body.toString('utf8').slice(0, 300)}\n${mode === 'sql' ? instance.sql : instance.influxql}`);
      }
      answers[mode] = rowsOf(mode, response.body);
    }
    rows += answers.sql.length;
    for (const mode of ['v1', 'v3']) {
      const problem = sameRows(answers.sql, answers[mode]);
      if (problem && check.status === 'ok') {
        Object.assign(check, { status: 'mismatch', mode, instance: n, problem, influxql: instance.influxql });
        failed = true;
      }
    }
  }
  const times = Object.fromEntries(MODES.map((m) => [m, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const [n, instance] of instances.entries()) {
      for (let k = 0; k < MODES.length; k++) {
        const mode = MODES[(round + n + k) % MODES.length];
        const started = process.hrtime.bigint();
        const response = await request(mode, instance, false);
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        if (response.status >= 300) throw new Error(`${type} #${n} ${mode}: HTTP ${response.status}`);
        times[mode].push(elapsed);
      }
    }
  }
  const medians = Object.fromEntries(MODES.map((m) => [m, median(times[m])]));
  results[type] = { instances: instances.length, rows_per_instance: rows / instances.length, median_ms: medians,
    ratio: { v1: medians.v1 / medians.sql, v3: medians.v3 / medians.sql }, check, example: instances[0].influxql };
  console.error(`${type}: sql ${ms(medians.sql)} ms, /query ${ms(medians.v1)} ms, query_influxql ${ms(medians.v3)} ms${check.status === 'ok' ? '' : ` MISMATCH (${check.mode} #${check.instance}: ${check.problem})`}`);
}
client.close();

const started = new Date().toISOString();
fs.mkdirSync(path.dirname(options.out), { recursive: true });
fs.writeFileSync(options.out, JSON.stringify({ benchmark: 'strata InfluxQL vs SQL (TSBS cpu-only shapes)', started_at: started,
  options: { rounds: options.rounds, url: options['strata-url'], db }, results }, null, 2));

console.log(`InfluxQL vs SQL on one strata server, ${options.rounds} rounds x ${Object.values(results)[0]?.instances ?? 0} instances; median ms; ratio = InfluxQL / SQL.\n`);
console.log('| query type | SQL ms | InfluxQL `/query` ms | ratio | InfluxQL `query_influxql` ms | ratio | rows | same rows |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const [type, r] of Object.entries(results)) {
  console.log(`| ${type} | ${ms(r.median_ms.sql)} | ${ms(r.median_ms.v1)} | ${r.ratio.v1.toFixed(2)} | ${ms(r.median_ms.v3)} | ${r.ratio.v3.toFixed(2)} | ${Math.round(r.rows_per_instance)} | ${r.check.status === 'ok' ? 'yes' : 'NO'} |`);
}
console.log(`\nResults: ${options.out}`);
process.exit(failed ? 1 : 0);
