// Runs the SQL .test files of this folder against DuckDB and reports every record whose DuckDB
// result differs from the expected one, so that the expected results are cross-checked by a
// second engine. The file format and the DuckDB mapping are described in README.md.
//
// Usage: node test/sql/check_duckdb.mjs [-v] [files...]   (default: every test/sql/*.test)
// Exit code 0 when every record agrees (or is skipped with a reason), 1 otherwise, 2 on a
// malformed file or a missing DuckDB package (run `npm install` in test/sql first).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

let duckdb;
try {
  duckdb = await import('@duckdb/node-api');
} catch (e) {
  console.error(`cannot load @duckdb/node-api (${e.message}); run: (cd ${HERE} && npm install)`);
  process.exit(2);
}
const { DuckDBInstance, DuckDBTypeId } = duckdb;

class FormatError extends Error {}

// ---------------------------------------------------------------------------------------------
// .test file parsing

// Parses one .test file into records: {kind, line, ...}. Throws FormatError on malformed input.
export function parseTestFile(text, fileName) {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const records = [];
  let pendingOverride = null;  // {sql|skip, line}
  let i = 0;
  const fail = (lineIndex, message) => {
    throw new FormatError(`${fileName}:${lineIndex + 1}: ${message}`);
  };
  const isBlank = (s) => s.trim() === '';
  while (i < lines.length) {
    const line = lines[i].replace(/\r$/, '');
    if (isBlank(line)) {
      if (pendingOverride) fail(pendingOverride.line - 1, 'a "# duckdb:" line must directly precede a record');
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      const m = /^#\s*duckdb:\s*(.*)$/.exec(line);
      if (m) {
        if (pendingOverride) fail(i, 'two "# duckdb:" lines for one record');
        const body = m[1].trim();
        const skip = /^skip(\s+(.*))?$/.exec(body);
        if (skip) {
          if (!skip[2] || !skip[2].trim()) fail(i, '"# duckdb: skip" needs a reason');
          pendingOverride = { skip: skip[2].trim(), line: i + 1 };
        } else {
          if (!body) fail(i, '"# duckdb:" needs SQL or "skip <reason>"');
          pendingOverride = { sql: body, line: i + 1 };
        }
      }
      i++;
      continue;
    }
    const start = i;
    const header = line.trim();
    const words = header.split(/\s+/);
    const record = { line: start + 1, header, override: pendingOverride };
    pendingOverride = null;
    i++;
    // The body: lines up to a blank line (or, for queries, up to ----).
    const body = [];
    if (words[0] === 'write') {
      record.kind = 'write';
      record.precision = 'ns';
      for (const option of words.slice(1)) {
        const m = /^precision=(ns|us|ms|s)$/.exec(option);
        if (!m) fail(start, `unknown write option '${option}'`);
        record.precision = m[1];
      }
      while (i < lines.length && !isBlank(lines[i])) body.push({ text: lines[i].replace(/\r$/, ''), line: i + 1 }), i++;
      if (!body.length) fail(start, 'write without lines');
      record.lines = body;
      if (record.override) fail(start, '"# duckdb:" lines apply to statements and queries only');
    } else if (words[0] === 'restart') {
      if (words.length !== 1) fail(start, 'restart takes no arguments');
      record.kind = 'restart';
      if (record.override) fail(start, '"# duckdb:" lines apply to statements and queries only');
    } else if (words[0] === 'statement' || words[0] === 'query') {
      record.kind = words[0];
      const isError = words[1] === 'error';
      if (words[0] === 'statement' && words[1] !== 'ok' && !isError) fail(start, 'expected "statement ok" or "statement error <text>"');
      if (isError) {
        record.error = header.replace(/^(statement|query)\s+error\s*/, '');
        if (!record.error) fail(start, 'an error record needs the expected error text');
      } else if (words[0] === 'statement') {
        if (words.length !== 2) fail(start, '"statement ok" takes no arguments');
      } else {
        if (words.length < 2 || words.length > 3) fail(start, 'expected "query <types> [rowsort|nosort]"');
        if (!/^[IRTBP?]+$/.test(words[1])) fail(start, `bad type letters '${words[1]}' (one of I R T B P ? per column)`);
        record.types = words[1];
        record.sort = words[2] || 'nosort';
        if (record.sort !== 'rowsort' && record.sort !== 'nosort') fail(start, `unknown sort mode '${record.sort}'`);
      }
      const sql = [];
      while (i < lines.length && !isBlank(lines[i]) && lines[i].replace(/\r$/, '') !== '----') sql.push(lines[i].replace(/\r$/, '')), i++;
      if (!sql.length) fail(start, 'record without SQL');
      record.sql = sql.join('\n');
      if (record.kind === 'query' && !isError) {
        if (i >= lines.length || lines[i].replace(/\r$/, '') !== '----') fail(start, 'query without ---- and expected result');
        i++;
        record.expected = [];
        while (i < lines.length && !isBlank(lines[i])) record.expected.push(lines[i].replace(/\r$/, '')), i++;
      } else if (i < lines.length && lines[i].replace(/\r$/, '') === '----') {
        fail(i, 'only non-error query records have a ---- result');
      }
    } else {
      fail(start, `unknown record '${header}'`);
    }
    records.push(record);
  }
  if (pendingOverride) fail(pendingOverride.line - 1, 'a "# duckdb:" line at the end of the file');
  return records;
}

// ---------------------------------------------------------------------------------------------
// Line protocol (the subset of the InfluxDB 3 grammar that the tests use; every line must be
// valid and carry a timestamp, so the data is deterministic)

const PRECISION_NS = { ns: 1n, us: 1000n, ms: 1000000n, s: 1000000000n };
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

// Reads an escaped identifier from `s` at `pos` until one of the unescaped `stops`.
function readEscaped(s, pos, stops, escapable) {
  let out = '';
  while (pos < s.length && !stops.includes(s[pos])) {
    if (s[pos] === '\\' && pos + 1 < s.length && escapable.includes(s[pos + 1])) {
      out += s[pos + 1];
      pos += 2;
    } else {
      out += s[pos++];
    }
  }
  return [out, pos];
}

function parseFieldValue(raw) {
  if (raw.startsWith('"')) {
    if (raw.length < 2 || !raw.endsWith('"')) throw new Error(`unterminated string '${raw}'`);
    let out = '';
    for (let k = 1; k < raw.length - 1; k++) {
      if (raw[k] === '\\' && (raw[k + 1] === '"' || raw[k + 1] === '\\') && k + 1 < raw.length - 1) out += raw[++k];
      else out += raw[k];
    }
    return { type: 'string', value: out };
  }
  if (/^(t|T|true|True|TRUE)$/.test(raw)) return { type: 'boolean', value: true };
  if (/^(f|F|false|False|FALSE)$/.test(raw)) return { type: 'boolean', value: false };
  let m = /^(-?\d+)i$/.exec(raw);
  if (m) {
    const v = BigInt(m[1]);
    if (v < INT64_MIN || v > INT64_MAX) throw new Error(`integer out of range '${raw}'`);
    return { type: 'integer', value: v };
  }
  m = /^(\d+)u$/.exec(raw);
  if (m) {
    const v = BigInt(m[1]);
    if (v > UINT64_MAX) throw new Error(`unsigned integer out of range '${raw}'`);
    return { type: 'uinteger', value: v };
  }
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) {
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new Error(`float out of range '${raw}'`);
    return { type: 'float', value: v };
  }
  throw new Error(`bad field value '${raw}'`);
}

// Parses one line into {measurement, tags: Map, fields: Map name -> {type, value}, timeNs}.
export function parseLine(text, precision) {
  let pos = 0;
  let measurement;
  [measurement, pos] = readEscaped(text, pos, [',', ' '], [',', ' ', '\\']);
  if (!measurement) throw new Error('missing measurement');
  const tags = new Map();
  while (text[pos] === ',') {
    let key, value;
    [key, pos] = readEscaped(text, pos + 1, ['=', ',', ' '], [',', '=', ' ', '\\']);
    if (text[pos] !== '=') throw new Error(`tag '${key}' without value`);
    [value, pos] = readEscaped(text, pos + 1, [',', ' '], [',', '=', ' ', '\\']);
    if (!key || !value) throw new Error('empty tag key or value');
    if (tags.has(key)) throw new Error(`duplicate tag '${key}'`);
    tags.set(key, value);
  }
  if (text[pos] !== ' ') throw new Error('expected a space before the fields');
  pos++;
  const fields = new Map();
  for (;;) {
    let key;
    [key, pos] = readEscaped(text, pos, ['=', ',', ' '], [',', '=', ' ', '\\']);
    if (!key || text[pos] !== '=') throw new Error(`bad field '${key}'`);
    pos++;
    let raw = '';
    if (text[pos] === '"') {
      const begin = pos++;
      while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
      if (pos >= text.length) throw new Error('unterminated string field');
      raw = text.slice(begin, ++pos);
    } else {
      const begin = pos;
      while (pos < text.length && text[pos] !== ',' && text[pos] !== ' ') pos++;
      raw = text.slice(begin, pos);
    }
    if (fields.has(key)) throw new Error(`duplicate field '${key}'`);
    fields.set(key, parseFieldValue(raw));
    if (text[pos] === ',') {
      pos++;
      continue;
    }
    break;
  }
  if (text[pos] !== ' ') throw new Error('missing timestamp (tests must be deterministic)');
  const ts = text.slice(pos + 1);
  if (!/^-?\d+$/.test(ts)) throw new Error(`bad timestamp '${ts}'`);
  const timeNs = BigInt(ts) * PRECISION_NS[precision];
  if (timeNs < INT64_MIN || timeNs > INT64_MAX) throw new Error('timestamp out of range');
  for (const k of fields.keys()) if (tags.has(k)) throw new Error(`'${k}' is both a tag and a field`);
  return { measurement, tags, fields, timeNs };
}

// The data of one database: tables with a fixed column type per column and rows merged by
// series key and time, as InfluxDB does.
class Database {
  constructor() {
    this.tables = new Map();  // name -> {columns: Map name -> type, rows: Map key -> row, dirty}
  }

  write(line) {
    let table = this.tables.get(line.measurement);
    if (!table) {
      table = { columns: new Map([['time', 'time']]), rows: new Map(), dirty: true };
      this.tables.set(line.measurement, table);
    }
    for (const key of line.tags.keys()) {
      const have = table.columns.get(key);
      if (have && have !== 'tag') throw new Error(`column '${key}' is a ${have} field, not a tag`);
    }
    for (const [key, f] of line.fields) {
      const have = table.columns.get(key);
      if (have && have !== f.type) throw new Error(`field '${key}' is ${have}, written as ${f.type}`);
    }
    for (const key of line.tags.keys()) table.columns.set(key, 'tag');
    for (const [key, f] of line.fields) table.columns.set(key, f.type);
    const seriesKey = [...line.tags.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`).join('\u0000') + '\u0001' + line.timeNs;
    let row = table.rows.get(seriesKey);
    if (!row) {
      row = { tags: line.tags, fields: new Map(), timeNs: line.timeNs };
      table.rows.set(seriesKey, row);
    }
    for (const [key, f] of line.fields) row.fields.set(key, f.value);
    table.dirty = true;
  }
}

const DUCK_TYPE = {
  time: 'TIMESTAMP_NS', tag: 'VARCHAR', float: 'DOUBLE', integer: 'BIGINT', uinteger: 'UBIGINT',
  string: 'VARCHAR', boolean: 'BOOLEAN',
};

function quoteIdent(name) {
  return '"' + name.replaceAll('"', '""') + '"';
}

function sqlLiteral(type, value) {
  if (value === undefined || value === null) return 'NULL';
  switch (type) {
    case 'time': return `make_timestamp_ns(CAST('${value}' AS BIGINT))`;
    case 'tag':
    case 'string': return "'" + value.replaceAll("'", "''") + "'";
    case 'float': return `CAST('${String(value)}' AS DOUBLE)`;
    case 'integer': return `CAST('${value}' AS BIGINT)`;
    case 'uinteger': return `CAST('${value}' AS UBIGINT)`;
    case 'boolean': return value ? 'true' : 'false';
    default: throw new Error(`unknown column type ${type}`);
  }
}

const byteCompare = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

// Recreates in DuckDB every table that changed since the last sync.
async function syncTables(connection, db) {
  for (const [name, table] of db.tables) {
    if (!table.dirty) continue;
    const columns = [...table.columns.keys()].sort(byteCompare);
    await connection.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
    await connection.run(`CREATE TABLE ${quoteIdent(name)} (`
      + columns.map((c) => `${quoteIdent(c)} ${DUCK_TYPE[table.columns.get(c)]}`).join(', ') + ')');
    const rows = [...table.rows.values()];
    for (let k = 0; k < rows.length; k += 500) {
      const values = rows.slice(k, k + 500).map((row) => '(' + columns.map((c) => {
        const type = table.columns.get(c);
        const value = type === 'time' ? row.timeNs : type === 'tag' ? row.tags.get(c) : row.fields.get(c);
        return sqlLiteral(type, value);
      }).join(', ') + ')');
      await connection.run(`INSERT INTO ${quoteIdent(name)} VALUES ${values.join(', ')}`);
    }
    table.dirty = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Value formatting (README.md, "Result lines")

// C printf("%.12g") of a finite double.
function formatG12(v) {
  const exp = Number(v.toExponential(11).split('e')[1]);
  if (exp < -4 || exp >= 12) {
    let [mantissa, e] = v.toExponential(11).split('e');
    if (mantissa.includes('.')) mantissa = mantissa.replace(/0+$/, '').replace(/\.$/, '');
    const sign = e[0] === '-' ? '-' : '+';
    const digits = e.replace(/^[-+]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  let fixed = v.toFixed(11 - exp);
  if (fixed.includes('.')) fixed = fixed.replace(/0+$/, '').replace(/\.$/, '');
  return fixed;
}

export function formatFloat(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0) || v === 0) return '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return formatG12(v);
}

function pad(n, width) {
  return String(n).padStart(width, '0');
}

// Formats nanoseconds since the epoch (bigint) as YYYY-MM-DDTHH:MM:SS[.fraction].
export function formatTimestampNs(nanos) {
  let seconds = nanos / 1000000000n;
  let fraction = nanos % 1000000000n;
  if (fraction < 0n) {
    fraction += 1000000000n;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) throw new Error(`timestamp out of range: ${nanos}`);
  const year = date.getUTCFullYear();
  let text = `${year < 0 ? '-' + pad(-year, 4) : pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-`
    + `${pad(date.getUTCDate(), 2)}T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:`
    + `${pad(date.getUTCSeconds(), 2)}`;
  if (fraction !== 0n) text += '.' + pad(fraction, 9).replace(/0+$/, '');
  return text;
}

const INTEGER_TYPES = new Set([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT,
]);
const TIMESTAMP_TYPES = new Set([
  DuckDBTypeId.TIMESTAMP, DuckDBTypeId.TIMESTAMP_S, DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS, DuckDBTypeId.TIMESTAMP_TZ,
]);

// The type letter a DuckDB type satisfies, or null. DECIMAL is R, or I when its scale is 0.
function letterOf(type) {
  const id = type.typeId;
  if (INTEGER_TYPES.has(id)) return 'I';
  if (id === DuckDBTypeId.DECIMAL) return type.scale === 0 ? 'IR' : 'R';
  if (id === DuckDBTypeId.DOUBLE || id === DuckDBTypeId.FLOAT) return 'R';
  if (id === DuckDBTypeId.VARCHAR) return 'T';
  if (id === DuckDBTypeId.BOOLEAN) return 'B';
  if (TIMESTAMP_TYPES.has(id)) return 'P';
  if (id === DuckDBTypeId.SQLNULL) return 'IRTBP';
  return null;
}

function timestampNanos(value, id) {
  switch (id) {
    case DuckDBTypeId.TIMESTAMP_NS: return value.nanos;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ: return value.micros * 1000n;
    case DuckDBTypeId.TIMESTAMP_MS: return value.millis * 1000000n;
    case DuckDBTypeId.TIMESTAMP_S: return value.seconds * 1000000000n;
    default: throw new Error(`not a timestamp type ${id}`);
  }
}

// Formats one DuckDB value for a column of the given letter (already checked against the type).
function formatValue(value, type, letter) {
  if (value === null || value === undefined) return 'NULL';
  const id = type.typeId;
  if (letter === '?') letter = (letterOf(type) || '?')[0];
  switch (letter) {
    case 'I':
      if (id === DuckDBTypeId.DECIMAL) return String(value.value);
      return String(value);
    case 'R':
      if (id === DuckDBTypeId.DECIMAL) return formatFloat(Number(value.value) / 10 ** value.scale);
      return formatFloat(Number(value));
    case 'T':
      return value === '' ? '(empty)' : String(value);
    case 'B':
      return value ? 'true' : 'false';
    case 'P':
      return formatTimestampNs(timestampNanos(value, id));
    default:
      return String(value);  // '?' of a type without a letter: DuckDB's own text
  }
}

// ---------------------------------------------------------------------------------------------
// Running

function indent(lines) {
  return lines.length ? lines.map((l) => '    ' + l).join('\n') : '    (no rows)';
}

async function runFile(file, options) {
  const text = fs.readFileSync(file, 'utf8');
  const rel = path.relative(process.cwd(), file) || file;
  const records = parseTestFile(text, rel);
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const db = new Database();
  const stats = { passed: 0, failed: 0, skipped: 0 };
  const report = (record, sql, message) => {
    stats.failed++;
    console.log(`FAIL ${rel}:${record.line}: ${message}`);
    console.log('  query:\n' + sql.split('\n').map((l) => '    ' + l).join('\n'));
  };
  try {
    for (const record of records) {
      if (record.kind === 'write') {
        for (const { text: lineText, line } of record.lines) {
          let parsed;
          try {
            parsed = parseLine(lineText, record.precision);
            db.write(parsed);
          } catch (e) {
            throw new FormatError(`${rel}:${line}: bad line protocol: ${e.message}`);
          }
        }
        continue;
      }
      if (record.kind === 'restart') continue;
      if (record.override && record.override.skip) {
        stats.skipped++;
        if (options.verbose) console.log(`skip ${rel}:${record.line}: ${record.override.skip}`);
        continue;
      }
      const sql = record.override ? record.override.sql : record.sql;
      try {
        await syncTables(connection, db);
      } catch (e) {
        throw new FormatError(`${rel}:${record.line}: loading the data into DuckDB failed: ${e.message}`);
      }
      let reader;
      try {
        reader = await connection.runAndReadAll(sql);
      } catch (e) {
        if (record.error !== undefined) {
          stats.passed++;
          continue;
        }
        report(record, sql, `DuckDB error: ${e.message.split('\n')[0]}`);
        continue;
      }
      if (record.error !== undefined) {
        report(record, sql, `expected an error containing '${record.error}', DuckDB succeeded`);
        continue;
      }
      if (record.kind === 'statement') {
        stats.passed++;
        continue;
      }
      const types = reader.columnTypes();
      if (types.length !== record.types.length) {
        report(record, sql, `expected ${record.types.length} columns (${record.types}), DuckDB returns ${types.length}`);
        continue;
      }
      const typeErrors = [];
      record.types.split('').forEach((letter, k) => {
        if (letter === '?') return;
        const have = letterOf(types[k]);
        if (!have || !have.includes(letter)) typeErrors.push(`column ${k + 1} is ${letter}, DuckDB's type is ${types[k].toString()}`);
      });
      if (typeErrors.length) {
        report(record, sql, typeErrors.join('; '));
        continue;
      }
      let actual = reader.getRows().map((row) => row.map((v, k) => formatValue(v, types[k], record.types[k])).join(' '));
      let expected = record.expected;
      if (record.sort === 'rowsort') {
        actual = [...actual].sort(byteCompare);
        expected = [...expected].sort(byteCompare);
      }
      const same = actual.length === expected.length && actual.every((l, k) => l === expected[k]);
      if (same) {
        stats.passed++;
      } else {
        report(record, sql, 'result differs');
        console.log(`  expected${record.sort === 'rowsort' ? ' (sorted)' : ''}:\n${indent(expected)}`);
        console.log(`  DuckDB${record.sort === 'rowsort' ? ' (sorted)' : ''}:\n${indent(actual)}`);
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return stats;
}

async function main() {
  const args = process.argv.slice(2);
  const options = { verbose: false };
  const files = [];
  for (const a of args) {
    if (a === '-v' || a === '--verbose') options.verbose = true;
    else files.push(path.resolve(a));
  }
  if (!files.length) {
    for (const f of fs.readdirSync(HERE).sort()) if (f.endsWith('.test')) files.push(path.join(HERE, f));
  }
  const total = { passed: 0, failed: 0, skipped: 0 };
  let malformed = false;
  for (const file of files) {
    try {
      const s = await runFile(file, options);
      for (const k of Object.keys(total)) total[k] += s[k];
      if (options.verbose || s.failed) {
        console.log(`${path.relative(process.cwd(), file)}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
      }
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      console.log(`ERROR ${e.message}`);
      malformed = true;
    }
  }
  console.log(`duckdb: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(malformed ? 2 : total.failed ? 1 : 0);
}

await main();
