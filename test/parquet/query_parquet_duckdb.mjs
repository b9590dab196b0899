// DuckDB as the oracle for format=parquet on /api/v3/query_sql (registered with ctest by
// CMakeLists.txt through test/node/run_node_test.sh): starts the real strata server, writes rows
// of every column type (tags, float, integer, unsigned, boolean and string fields, NULLs where a
// line leaves a field out, unicode, nanosecond timestamps), and for several queries fetches the
// result as Parquet and as JSON lines: DuckDB must read the Parquet file with the expected
// types and exactly the rows of the JSON result. One result spans several row groups.
// Usage: node query_parquet_duckdb.mjs <strata binary> <work dir>
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { startStrata } from '../node/strata_server.mjs';

const [strata, work] = process.argv.slice(2);
if (!strata || !work) {
  console.error('usage: node query_parquet_duckdb.mjs <strata binary> <work dir>');
  process.exit(2);
}

let failures = 0;
let checked = 0;
function fail(message) {
  failures++;
  if (failures <= 40) console.error(`FAIL ${message}`);
}

function quote(text) {
  return `'${text.replaceAll("'", "''")}'`;
}

// ---------------------------------------------------------------------------------------------
// The server

const { base, stop } = await startStrata(strata, work, { args: ['--without-auth'] });

// ---------------------------------------------------------------------------------------------
// The rows: 130,000, so that SELECT * spans two row groups of 100,000.

const ROWS = 130000;
const T0 = 1451606400000000000n;  // 2016-01-01T00:00:00
const HOSTS = ['a', 'b', 'ホスト', 'host with space', 'd'];
const NOTES = ['', 'héllo wörld', '日本語 🎉', 'comma, here', 'quote "q" and \\ back'];

function lineOf(i) {
  const tags = `host=${HOSTS[i % 5].replaceAll(' ', '\\ ')}` + (i % 3 === 0 ? '' : `,region=r${i % 3}`);
  const fields = [];
  if (i % 7 !== 3) fields.push(`usage=${(i % 1000) / 8 - 60}`);
  if (i % 5 !== 2) fields.push(`cores=${(i % 2 === 0 ? -1 : 1) * i * 1000003}i`);
  if (i % 11 !== 4) fields.push(`big=${BigInt(i) * 100000000000000n}u`);
  if (i % 4 !== 1) fields.push(`ok=${i % 2 === 0}`);
  if (i % 6 !== 5) {
    const note = NOTES[i % 5].replaceAll('\\', '\\\\').replaceAll('"', '\\"');
    fields.push(`note="${note}"`);
  }
  if (fields.length === 0) fields.push('usage=0');
  return `cpu,${tags} ${fields.join(',')} ${T0 + BigInt(i) * 1000000007n}`;
}

for (let first = 0; first < ROWS; first += 20000) {
  const lines = [];
  for (let i = first; i < Math.min(ROWS, first + 20000); i++) lines.push(lineOf(i));
  const written = await fetch(`${base}/api/v3/write_lp?db=pq&precision=ns`,
                              { method: 'POST', body: lines.join('\n') + '\n' });
  if (written.status !== 204) {
    fail(`write: ${written.status} ${await written.text()}`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Queries: Parquet through DuckDB against JSON lines

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
await connection.run("SET TimeZone = 'UTC'");

async function fetchResult(sql, format, method) {
  if (method === 'POST') {
    return fetch(`${base}/api/v3/query_sql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ db: 'pq', q: sql, format }),
    });
  }
  const params = new URLSearchParams({ db: 'pq', q: sql, format });
  return fetch(`${base}/api/v3/query_sql?${params}`);
}

// JSON lines with every integer kept as its text (JSON.parse would round those beyond 2^53).
// The test's strings never hold ':' or ',' right before a digit run ending a value.
function parseJsonLines(text) {
  return text.split('\n').filter((line) => line.length > 0).map(
    (line) => JSON.parse(line.replace(/([:,[])(-?\d+)(?=[,}\]])/g, '$1"$2"')));
}

// "2016-01-01T00:00:00.000000123" (the JSON format's timestamps) as nanoseconds since the epoch.
function timestampNanos(text) {
  const match = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?$/.exec(text);
  if (!match) return `unparsed ${text}`;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const seconds = BigInt(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) / 1000);
  return String(seconds * 1000000000n + BigInt((fraction || '').padEnd(9, '0')));
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UBIGINT']);

async function check({ name, sql, method = 'GET', types, rowGroups }) {
  const parquetResponse = await fetchResult(sql, 'parquet', method);
  const body = Buffer.from(await parquetResponse.arrayBuffer());
  if (parquetResponse.status !== 200) {
    fail(`${name}: status ${parquetResponse.status}: ${body.toString('utf8', 0, 300)}`);
    return;
  }
  const contentType = parquetResponse.headers.get('content-type');
  if (contentType !== 'application/vnd.apache.parquet') {
    fail(`${name}: Content-Type ${contentType}`);
  }
  const file = path.join(work, `${name}.parquet`);
  fs.writeFileSync(file, body);

  const described = (await connection.runAndReadAll(
    `DESCRIBE SELECT * FROM read_parquet(${quote(file)})`)).getRowObjectsJS()
    .map((row) => ({ name: row.column_name, type: row.column_type }));
  const names = described.map((column) => column.name);
  for (const [column, type] of Object.entries(types)) {
    const seen = described.find((c) => c.name === column);
    const allowed = Array.isArray(type) ? type : [type];
    if (!seen) fail(`${name}: DuckDB sees no column ${column} (${JSON.stringify(names)})`);
    else if (!allowed.includes(seen.type)) {
      fail(`${name}: column ${column} reads as ${seen.type}, expected ${allowed.join(' or ')}`);
    }
  }
  if (rowGroups !== undefined) {
    const groups = (await connection.runAndReadAll(
      `SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM parquet_metadata(${quote(file)})`))
      .getRowObjectsJS()[0].n;
    if (groups !== rowGroups) fail(`${name}: ${groups} row groups, expected ${rowGroups}`);
  }

  const exprs = described.map(({ name: column, type }) => {
    const col = `"${column.replaceAll('"', '""')}"`;
    if (INTEGER_TYPES.has(type)) return `CAST(${col} AS VARCHAR)`;
    if (type.startsWith('TIMESTAMP')) return `CAST(epoch_ns(${col}) AS VARCHAR)`;
    return col;
  });
  const duckdbRows = (await connection.runAndReadAll(
    `SELECT ${exprs.join(', ')} FROM read_parquet(${quote(file)})`)).getRowsJS();

  const jsonResponse = await fetchResult(sql, 'jsonl', method);
  const jsonRows = parseJsonLines(await jsonResponse.text()).map((object) =>
    described.map(({ name: column, type }) => {
      const value = object[column];
      if (value === undefined || value === null) return null;
      if (type.startsWith('TIMESTAMP')) return timestampNanos(value);
      return value;
    }));

  if (duckdbRows.length !== jsonRows.length) {
    fail(`${name}: DuckDB reads ${duckdbRows.length} rows, JSON has ${jsonRows.length}`);
    return;
  }
  let reported = 0;
  for (let r = 0; r < jsonRows.length; r++) {
    for (let c = 0; c < names.length; c++) {
      const expected = jsonRows[r][c];
      const actual = duckdbRows[r][c];
      if (!Object.is(expected, actual) && !(expected === 0 && actual === 0)) {
        if (++reported <= 5) {
          fail(`${name}: row ${r} column ${names[c]}: JSON ${JSON.stringify(expected)}, DuckDB ` +
               `${JSON.stringify(typeof actual === 'bigint' ? String(actual) : actual)}`);
        } else {
          failures++;
        }
      }
    }
  }
  checked++;
}

const TAG = 'VARCHAR';
await check({
  name: 'all_rows',
  sql: 'SELECT * FROM cpu ORDER BY time',
  types: { big: 'UBIGINT', cores: 'BIGINT', host: TAG, note: 'VARCHAR', ok: 'BOOLEAN',
           region: TAG, time: 'TIMESTAMP_NS', usage: 'DOUBLE' },
  rowGroups: 2,
});
await check({
  name: 'aggregate',
  method: 'POST',
  sql: 'SELECT host, count(*) AS n, avg(usage) AS mean, min(time) AS first, max(big) AS most ' +
       'FROM cpu GROUP BY host ORDER BY host',
  types: { host: TAG, n: 'BIGINT', mean: 'DOUBLE', first: 'TIMESTAMP_NS', most: 'UBIGINT' },
  rowGroups: 1,
});
await check({
  name: 'untyped_null',
  sql: "SELECT NULL AS nothing, 1 AS one, 'é' AS s",
  // INT32 UNKNOWN: DuckDB 1.5 reads an INTEGER column of NULLs.
  types: { nothing: ['INTEGER', '"NULL"'], one: 'BIGINT', s: 'VARCHAR' },
});
await check({
  name: 'empty',
  method: 'POST',
  sql: 'SELECT host, usage, time FROM cpu WHERE usage < -1000',
  types: { host: TAG, usage: 'DOUBLE', time: 'TIMESTAMP_NS' },
  rowGroups: 0,
});

// An error before the first byte is JSON.
const bad = await fetchResult('SELECT nosuch FROM cpu', 'parquet', 'GET');
const badBody = await bad.text();
if (bad.status !== 400 || bad.headers.get('content-type') !== 'application/json' ||
    !badBody.includes("column 'nosuch' not found")) {
  fail(`error: ${bad.status} ${bad.headers.get('content-type')} ${badBody}`);
}

if (!await stop()) fail('strata did not exit within 30 s of SIGTERM');
console.log(`query parquet: ${checked} results compared, ${failures} failures`);
console.log(`${failures === 0 ? 1 : 0} passed, ${failures === 0 ? 0 : 1} failed`);
process.exit(failures === 0 ? 0 : 1);
