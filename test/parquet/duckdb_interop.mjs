// DuckDB as the oracle for strata's Parquet files, both ways (registered with ctest by
// CMakeLists.txt through test/node/run_node_test.sh):
//   1. strata writes files (parquet_interop_tool write) with every type, NULLs, unicode strings,
//      extreme int64/uint64 values, NaN/inf/-0.0 and negative timestamps, in several codecs,
//      row group and page sizes; DuckDB's read_parquet must return exactly the rows strata
//      meant to write, with the expected DuckDB types.
//   2. DuckDB writes files (COPY ... TO (FORMAT parquet)) in several compressions and row group
//      sizes; strata's reader (parquet_interop_tool dump) must return the rows DuckDB itself
//      reads from them, with the expected strata types.
// Values are compared in one canonical text form (see parquet_interop_tool.cc).
// Usage: node duckdb_interop.mjs <parquet_interop_tool> <work dir>
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [tool, work] = process.argv.slice(2);
if (!tool || !work) {
  console.error('usage: node duckdb_interop.mjs <parquet_interop_tool> <work dir>');
  process.exit(2);
}

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
await connection.run("SET TimeZone = 'UTC'");

let failures = 0;
let checked = 0;
function fail(message) {
  failures++;
  if (failures <= 40) console.error(`FAIL ${message}`);
}

function quote(text) {
  return `'${text.replaceAll("'", "''")}'`;
}

function doubleCanonical(value) {
  if (Number.isNaN(value)) return 'NaN';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

const INTEGER_TYPES = new Set([
  'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT',
]);
const TIME_TYPES = new Set([
  'TIMESTAMP', 'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_S', 'TIMESTAMP WITH TIME ZONE', 'DATE',
]);

// The columns of a Parquet file as DuckDB sees them.
async function describe(file) {
  const reader = await connection.runAndReadAll(
    `DESCRIBE SELECT * FROM read_parquet(${quote(file)})`);
  return reader.getRowObjectsJS().map((row) => ({ name: row.column_name, type: row.column_type }));
}

// DuckDB's rows of `file` in canonical form.
async function duckdbRows(file, columns) {
  const exprs = columns.map(({ name, type }) => {
    const col = `"${name.replaceAll('"', '""')}"`;
    if (INTEGER_TYPES.has(type)) return `CAST(${col} AS VARCHAR)`;
    if (type === 'DATE') return `CAST(epoch_ns(${col}::TIMESTAMP) AS VARCHAR)`;
    if (TIME_TYPES.has(type)) return `CAST(epoch_ns(${col}) AS VARCHAR)`;
    if (type === 'DOUBLE' || type === 'FLOAT') return `${col}::DOUBLE`;
    return col;
  });
  const reader = await connection.runAndReadAll(
    `SELECT ${exprs.join(', ')} FROM read_parquet(${quote(file)})`);
  return reader.getRowsJS().map((row) => row.map((value, i) => {
    if (value === null) return null;
    const type = columns[i].type;
    if (type === 'DOUBLE' || type === 'FLOAT') return doubleCanonical(value);
    if (type === 'BOOLEAN') return value ? 'true' : 'false';
    return String(value);
  }));
}

function readJsonLines(text) {
  const lines = text.split('\n').filter((line) => line.length > 0);
  const header = JSON.parse(lines[0]);
  return { columns: header.columns, rows: lines.slice(1).map((line) => JSON.parse(line)) };
}

// Compares rows cell by cell; at most a few failures are reported per column.
function compareRows(what, expected, actual, names) {
  if (expected.length !== actual.length) {
    fail(`${what}: ${expected.length} rows expected, ${actual.length} read`);
    return;
  }
  const reported = new Map();
  for (let r = 0; r < expected.length; r++) {
    for (let c = 0; c < expected[r].length; c++) {
      if (expected[r][c] !== actual[r][c]) {
        const count = (reported.get(c) || 0) + 1;
        reported.set(c, count);
        if (count <= 3) {
          fail(`${what}: row ${r} column ${names[c]}: expected ${JSON.stringify(expected[r][c])}, ` +
               `got ${JSON.stringify(actual[r][c])}`);
        } else {
          failures++;
        }
      }
    }
  }
  checked++;
}

// ---------------------------------------------------------------------------------------------
// 1. strata writes, DuckDB reads

const STRATA_TO_DUCKDB = {
  bool: ['BOOLEAN'],
  int64: ['BIGINT'],
  uint64: ['UBIGINT'],
  float64: ['DOUBLE'],
  string: ['VARCHAR'],
  // TIMESTAMP(isAdjustedToUTC=true, NANOS): DuckDB keeps the nanoseconds either way.
  timestamp: ['TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_NS'],
};

const written = execFileSync(tool, ['write', work], { encoding: 'utf8' })
  .split('\n').filter((line) => line.length > 0);
if (written.length === 0) fail('parquet_interop_tool wrote no files');
for (const file of written) {
  const name = path.basename(file);
  const expected = readJsonLines(fs.readFileSync(`${file}.expected.jsonl`, 'utf8'));
  const columns = await describe(file);
  if (columns.length !== expected.columns.length) {
    fail(`${name}: DuckDB sees ${columns.length} columns, strata wrote ${expected.columns.length}`);
    continue;
  }
  columns.forEach((column, i) => {
    const want = expected.columns[i];
    if (column.name !== want.name) fail(`${name}: column ${i} is ${column.name}, not ${want.name}`);
    if (!STRATA_TO_DUCKDB[want.type].includes(column.type)) {
      fail(`${name}: column ${want.name} (${want.type}) reads as DuckDB ${column.type}`);
    }
  });
  // DuckDB reads TIMESTAMP(NANOS, isAdjustedToUTC=true) as TIMESTAMP WITH TIME ZONE, whose
  // microseconds drop the last three digits (toward zero); local nanosecond timestamps must come
  // back exact (strata_zstd_local_time).
  const wanted = expected.rows.map((row) => row.map((value, i) => {
    if (value === null || columns[i].type !== 'TIMESTAMP WITH TIME ZONE') return value;
    return String((BigInt(value) / 1000n) * 1000n);
  }));
  if (name.includes('local_time') &&
      !columns.some((column) => column.type === 'TIMESTAMP_NS')) {
    fail(`${name}: DuckDB does not read the local timestamps as TIMESTAMP_NS`);
  }
  compareRows(`strata->duckdb ${name}`, wanted, await duckdbRows(file, columns),
              columns.map((column) => column.name));
  const kv = await connection.runAndReadAll(
    `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${quote(file)})`);
  const pairs = kv.getRowObjectsJS();
  if (!pairs.some((p) => p.k === 'strata.test' && p.v === 'interop')) {
    fail(`${name}: key-value metadata strata.test=interop not seen by DuckDB: ${JSON.stringify(pairs)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. DuckDB writes, strata reads

const DUCKDB_QUERY = (rows) => `
  SELECT
    CASE i % 7 WHEN 0 THEN -9223372036854775808 WHEN 1 THEN 9223372036854775807
               WHEN 5 THEN NULL ELSE i * 1000003 - 77 END::BIGINT AS big,
    CASE i % 5 WHEN 0 THEN 18446744073709551615 WHEN 3 THEN NULL ELSE i END::UBIGINT AS ubig,
    CASE WHEN i % 9 = 4 THEN NULL ELSE (i - ${rows / 2})::INTEGER END AS int32,
    CASE i % 4 WHEN 0 THEN 4294967295 ELSE i * 3 END::UINTEGER AS uint32,
    (i % 200 - 100)::SMALLINT AS int16,
    CASE i % 8 WHEN 0 THEN 'nan'::DOUBLE WHEN 1 THEN 'inf'::DOUBLE WHEN 2 THEN '-inf'::DOUBLE
               WHEN 3 THEN -0.0::DOUBLE WHEN 4 THEN NULL ELSE i / 7.0 END AS dbl,
    CASE WHEN i % 6 = 1 THEN NULL ELSE (i / 3.0)::REAL END AS real,
    CASE i % 3 WHEN 0 THEN true WHEN 1 THEN false ELSE NULL END AS bool,
    CASE i % 6 WHEN 0 THEN '' WHEN 1 THEN 'héllo wörld' WHEN 2 THEN '日本語 ' || i
               WHEN 3 THEN NULL WHEN 4 THEN 'emoji 🎉' ELSE 'host_' || (i % 10) END AS str,
    'tag_' || (i % 4) AS tag,
    make_timestamp_ns(-2208988800000000001 + i * 1000000007) AS ts_ns,
    CASE WHEN i % 10 = 9 THEN NULL ELSE make_timestamp(-1000000000000 + i * 1234567) END AS ts_us,
    make_timestamp(-86400000000 * 365 + i * 1000)::TIMESTAMP_MS AS ts_ms,
    make_timestamp(-1000000 - i)::TIMESTAMPTZ AS ts_tz,
    DATE '1900-01-01' + (i % 50000)::INTEGER AS day
  FROM range(${rows}) t(i)`;

const DUCKDB_TO_STRATA = {
  big: 'int64', ubig: 'uint64', int32: 'int64', uint32: 'uint64', int16: 'int64', dbl: 'float64',
  real: 'float64', bool: 'bool', str: 'string', tag: 'string', ts_ns: 'timestamp',
  ts_us: 'timestamp', ts_ms: 'timestamp', ts_tz: 'timestamp', day: 'timestamp',
};

const DUCKDB_FILES = [
  { name: 'duckdb_uncompressed', rows: 3000, options: 'COMPRESSION uncompressed, ROW_GROUP_SIZE 1000' },
  { name: 'duckdb_snappy', rows: 5000, options: 'COMPRESSION snappy' },
  { name: 'duckdb_gzip', rows: 2500, options: 'COMPRESSION gzip, ROW_GROUP_SIZE 2048' },
  { name: 'duckdb_zstd', rows: 10000, options: 'COMPRESSION zstd, ROW_GROUP_SIZE 4096' },
  { name: 'duckdb_zstd_one_group', rows: 100, options: 'COMPRESSION zstd, ROW_GROUP_SIZE 100000' },
  // Data page v2, DELTA_BINARY_PACKED integers, DELTA_LENGTH_BYTE_ARRAY strings and
  // BYTE_STREAM_SPLIT floating point.
  { name: 'duckdb_v2_zstd', rows: 3000, options: 'COMPRESSION zstd, PARQUET_VERSION v2, ROW_GROUP_SIZE 1000' },
  { name: 'duckdb_v2_snappy', rows: 2000, options: 'COMPRESSION snappy, PARQUET_VERSION v2' },
];

for (const spec of DUCKDB_FILES) {
  const file = path.join(work, `${spec.name}.parquet`);
  await connection.run(
    `COPY (${DUCKDB_QUERY(spec.rows)}) TO ${quote(file)} (FORMAT parquet, ${spec.options})`);
  let dumped;
  try {
    dumped = readJsonLines(execFileSync(tool, ['dump', file], {
      encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'],
    }));
  } catch (e) {
    fail(`duckdb->strata ${spec.name}: strata could not read it: ${e.stderr || e.message}`);
    continue;
  }
  for (const column of dumped.columns) {
    if (DUCKDB_TO_STRATA[column.name] !== column.type) {
      fail(`duckdb->strata ${spec.name}: column ${column.name} reads as ${column.type}, ` +
           `expected ${DUCKDB_TO_STRATA[column.name]}`);
    }
  }
  const columns = await describe(file);
  compareRows(`duckdb->strata ${spec.name}`, await duckdbRows(file, columns), dumped.rows,
              columns.map((column) => column.name));
}

console.log(`duckdb interop: ${checked} files compared, ${failures} failures`);
console.log(`${failures === 0 ? 1 : 0} passed, ${failures === 0 ? 0 : 1} failed`);
process.exit(failures === 0 ? 0 : 1);
