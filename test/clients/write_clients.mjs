// InfluxDB's own JavaScript client libraries writing to the real strata server (registered with
// ctest as influx_clients_write by CMakeLists.txt, through test/node/run_node_test.sh):
//   influx                         the 1.x client: POST /write, Basic auth, precision s/ms/u/n
//   @influxdata/influxdb-client    the 2.x client: POST /api/v2/write, Token auth, gzip, Points
//   @influxdata/influxdb3-client   the 3.x client: /api/v2/write, or /api/v3/write_lp with noSync
// Each client writes tags, float, integer, unsigned, string and boolean fields with explicit
// timestamps in several precisions, and is made to fail (a malformed line, a type conflict, a
// wrong token) to check the error its caller sees. After each client, the database is read back
// through /api/v3/query_sql: its tables, every column's line protocol type (system.columns) and
// every row, exactly (integers stay integers, to the last digit); at the end of each server, the
// set of databases, so nothing else was written. One server runs open (--without-auth), one
// with an operator token created by `strata create token --admin`.
// Usage: node write_clients.mjs <strata binary> <work dir>
import Influx from 'influx';
import { HttpError, InfluxDB, Point, setLogger } from '@influxdata/influxdb-client';
import {
  HttpError as HttpError3,
  InfluxDBClient,
  Point as Point3,
  setLogger as setLogger3,
} from '@influxdata/influxdb3-client';
import { startStrata } from '../node/strata_server.mjs';
import {
  check, createAdminToken, fail, finish, part, rejection, setSection, startTest, stopServer,
} from './test_harness.mjs';

const { strata, work } = startTest('write_clients.mjs');

// The 2.x and 3.x clients log every failed write to the console; the test provokes several. Keep
// their messages, and show them only if something fails.
const clientLog = [];
const collect = (level) => (message, error) => {
  clientLog.push(`${level}: ${message} ${error ?? ''}`);
};
const quietLogger = { error: collect('error'), warn: collect('warn') };
setLogger(quietLogger);
setLogger3(quietLogger);

// ---------------------------------------------------------------------------------------------
// Reading back

// JSON with every integer literal as a BigInt: integers then stay distinguishable from floats
// (strata writes floats with a '.' or an exponent, as arrow-json does: 1024.0) and keep every
// digit beyond 2^53.
function parseJsonWithIntegers(text) {
  let out = '';
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j])) j++;
      const token = text.slice(i, j);
      out += /^-?\d+$/.test(token) ? `{"$int":"${token}"}` : token;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out, (key, value) =>
    (value !== null && typeof value === 'object' && typeof value.$int === 'string' &&
     Object.keys(value).length === 1) ? BigInt(value.$int) : value);
}

// "2023-11-14T22:13:20.123456789" (the JSON format's timestamps) as nanoseconds since the epoch.
function timestampNanos(text) {
  const match = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?$/.exec(text);
  if (!match) throw new Error(`unexpected timestamp ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, fraction] = match;
  const seconds = BigInt(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) / 1000);
  return seconds * 1000000000n + BigInt((fraction || '').padEnd(9, '0'));
}

function authHeaders(token) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function sql(server, db, query) {
  const params = new URLSearchParams({ db, q: query, format: 'json' });
  const response = await fetch(`${server.base}/api/v3/query_sql?${params}`,
                               { headers: authHeaders(server.token) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${query}: ${response.status} ${body}`);
  return parseJsonWithIntegers(body);
}

// The server's databases and their tables, from the catalog (through the debug API: there is no
// SHOW DATABASES yet).
async function catalogOf(server) {
  const response = await fetch(`${server.base}/api/v3/debug/buffer`,
                               { headers: authHeaders(server.token) });
  const body = await response.json();
  if (response.status !== 200) {
    throw new Error(`debug/buffer: ${response.status} ${JSON.stringify(body)}`);
  }
  return Object.fromEntries(body.databases.map((db) => [db.name, db.tables.map((t) => t.name)]));
}

// One canonical text per row: keys sorted, integers (BigInt) as 42i, floats as numbers (-0
// kept), strings quoted, so that rows compare as strings.
function canonicalRow(row) {
  return '{' + Object.keys(row).sort().map((key) => {
    const value = row[key];
    let text;
    if (typeof value === 'bigint') text = `${value}i`;
    else if (typeof value === 'number') text = Object.is(value, -0) ? '-0' : String(value);
    else text = JSON.stringify(value);
    return `${JSON.stringify(key)}:${text}`;
  }).join(',') + '}';
}

// Checks that database `db` holds exactly `expected`: { table: { columns: { name: influx type },
// rows: [ { time: <ns BigInt>, column: value, ... } ] } }, with integer values as BigInt, floats
// as numbers, NULLs left out (as the JSON format leaves them out).
async function checkDatabase(server, db, expected) {
  const tables = (await catalogOf(server))[db];
  if (!check(tables !== undefined, `database ${db} does not exist`)) return;
  const expectedTables = Object.keys(expected).sort();
  check(JSON.stringify([...tables].sort()) === JSON.stringify(expectedTables),
        `${db}: tables ${JSON.stringify(tables)}, expected ${JSON.stringify(expectedTables)}`);

  const columns = {};
  const query = 'SELECT table_name, column_name, influx_type FROM system.columns';
  for (const c of await sql(server, db, query)) {
    (columns[c.table_name] ??= {})[c.column_name] = c.influx_type;
  }
  for (const [table, { columns: expectedColumns, rows: expectedRows }] of
       Object.entries(expected)) {
    const want = { ...expectedColumns, time: 'timestamp' };
    const have = columns[table] ?? {};
    for (const name of new Set([...Object.keys(want), ...Object.keys(have)])) {
      check(want[name] === have[name],
            `${db}.${table}: column ${JSON.stringify(name)} is ${have[name] ?? 'missing'}, ` +
            `expected ${want[name] ?? 'no such column'}`);
    }

    const rows = (await sql(server, db, `SELECT * FROM "${table}"`))
      .map((row) => ({ ...row, time: timestampNanos(row.time) }));
    const actual = rows.map(canonicalRow);
    const wanted = expectedRows.map(canonicalRow);
    const missing = wanted.filter((row) => !actual.includes(row));
    const unexpected = actual.filter((row) => !wanted.includes(row));
    check(rows.length === expectedRows.length,
          `${db}.${table}: ${rows.length} rows, expected ${expectedRows.length}`);
    for (const row of missing.slice(0, 8)) fail(`${db}.${table}: missing row ${row}`);
    for (const row of unexpected.slice(0, 8)) fail(`${db}.${table}: unexpected row ${row}`);
  }
}

async function checkDatabases(server, expected) {
  const names = Object.keys(await catalogOf(server)).sort();
  check(JSON.stringify(names) === JSON.stringify([...expected].sort()),
        `databases ${JSON.stringify(names)}, expected ${JSON.stringify([...expected].sort())}`);
}

// ---------------------------------------------------------------------------------------------
// Times

const S = 1700000000;           // 2023-11-14T22:13:20Z, in seconds
const NS = 1700000000000000000n;  // the same, in nanoseconds
const ns = (seconds, fraction = 0n) => BigInt(seconds) * 1000000000n + BigInt(fraction);

// ---------------------------------------------------------------------------------------------
// influx (1.x): POST /write?db=&precision=&rp=, Basic auth (root:root unless told otherwise)

async function influx1Writes(server) {
  const { FieldType } = Influx;
  const client = new Influx.InfluxDB({
    host: '127.0.0.1',
    port: server.port,
    database: 'v1',
    schema: [{
      measurement: 'cpu',
      tags: ['host', 'region'],
      fields: { usage: FieldType.FLOAT, cores: FieldType.INTEGER, model: FieldType.STRING,
                up: FieldType.BOOLEAN },
    }],
  });
  const rows = { cpu: [], mem: [] };

  // Seconds, from Dates. Tag values with a space, a comma and '=', a string with quotes and a
  // backslash: the client escapes them.
  await client.writePoints([
    { measurement: 'cpu', tags: { host: 'server 1', region: 'eu,west=1' },
      fields: { usage: 12.5, cores: 8, model: 'Xeon "Gold" \\ 6154', up: true },
      timestamp: new Date(S * 1000) },
    { measurement: 'cpu', tags: { host: 'server 2', region: 'us' },
      fields: { usage: 0.1, cores: -9007199254740991, up: false },
      timestamp: new Date((S + 1) * 1000) },
  ], { precision: 's' });
  rows.cpu.push(
    { time: ns(S), host: 'server 1', region: 'eu,west=1', usage: 12.5, cores: 8n,
      model: 'Xeon "Gold" \\ 6154', up: true },
    { time: ns(S + 1), host: 'server 2', region: 'us', usage: 0.1, cores: -9007199254740991n,
      up: false });

  // Milliseconds from a Date, microseconds from a number, a retention policy (ignored).
  await client.writePoints([
    { measurement: 'cpu', tags: { host: 'server 1', region: 'eu,west=1' },
      fields: { usage: 99.75, cores: 16 }, timestamp: new Date(S * 1000 + 2123) },
  ], { precision: 'ms', retentionPolicy: 'autogen' });
  await client.writePoints([
    { measurement: 'cpu', tags: { host: 'server 3' }, fields: { usage: -1.5, model: 'µs' },
      timestamp: (S + 3) * 1000000 + 456789 },
  ], { precision: 'u' });
  rows.cpu.push(
    { time: ns(S + 2, 123000000), host: 'server 1', region: 'eu,west=1', usage: 99.75,
      cores: 16n },
    { time: ns(S + 3, 456789000), host: 'server 3', usage: -1.5, model: 'µs' });

  // Nanoseconds (the client's default precision): a nanosecond date and a numeric string.
  await client.writePoints([
    { measurement: 'cpu', tags: { host: 'server 4' }, fields: { cores: 0, up: true },
      timestamp: Influx.toNanoDate('1700000004123456789') },
    { measurement: 'cpu', tags: { host: 'server 4' }, fields: { usage: 1e-7 },
      timestamp: '1700000005000000001' },
  ]);
  rows.cpu.push(
    { time: ns(S + 4, 123456789), host: 'server 4', cores: 0n, up: true },
    { time: ns(S + 5, 1), host: 'server 4', usage: 1e-7 });

  // Without a schema the client writes every number as a float (1024, not 1024i), a field name
  // with a space escaped.
  await client.writePoints([
    { measurement: 'mem', tags: { host: 'server 1' },
      fields: { free: 1024, 'used pct': 33.3, label: 'héllo wörld 日本', ok: false },
      timestamp: new Date(S * 1000 + 6000) },
  ], { precision: 'ms' });
  rows.mem.push({ time: ns(S + 6), host: 'server 1', free: 1024, 'used pct': 33.3,
                  label: 'héllo wörld 日本', ok: false });

  // ping: GET /ping, the version from the X-Influxdb-Version header.
  const header = (await fetch(`${server.base}/ping`)).headers.get('x-influxdb-version');
  const [pong] = await client.ping(2000);
  check(pong.online === true, `ping: online ${pong.online}`);
  check(header && pong.version === header, `ping: version ${pong.version}, header ${header}`);

  // A field of another type than the table's: v1 writes all or nothing, so the valid point in
  // the batch is not written either. The client's RequestError carries the response.
  const error = await rejection(client.writePoints([
    { measurement: 'mem', tags: { host: 'server 9' }, fields: { free: 2048 },
      timestamp: new Date(S * 1000 + 7000) },
    { measurement: 'mem', tags: { host: 'server 9' }, fields: { free: 'lots' },
      timestamp: new Date(S * 1000 + 8000) },
  ], { precision: 'ms' }), 'type conflict');
  if (error) {
    check(error.constructor.name === 'RequestError' && error.res?.statusCode === 400,
          `type conflict: ${error.constructor.name} ${error.res?.statusCode}: ${error.message}`);
    check(/"line_number":2/.test(error.message) && error.message.includes('free'),
          `type conflict: message ${error.message}`);
  }

  await checkDatabase(server, 'v1', {
    cpu: { columns: { host: 'tag', region: 'tag', usage: 'float', cores: 'integer',
                      model: 'string', up: 'boolean' }, rows: rows.cpu },
    mem: { columns: { host: 'tag', free: 'float', 'used pct': 'float', label: 'string',
                      ok: 'boolean' }, rows: rows.mem },
  });
}

// ---------------------------------------------------------------------------------------------
// @influxdata/influxdb-client (2.x): POST /api/v2/write?org=&bucket=&precision=, Token auth,
// batches over 1000 bytes gzip-compressed

async function influx2Writes(server) {
  const influx = new InfluxDB({ url: server.base, token: 'not-checked-without-auth' });
  const rows = { sensor: [], precision: [] };

  // 32 points in one gzip-compressed batch, default tags, unsigned values up to 2^64-1.
  const writeApi = influx.getWriteApi('my-org', 'v2', 'ns', { defaultTags: { site: 'lab' } });
  for (let i = 0; i < 32; i++) {
    const time = NS + BigInt(i) * 1000000007n;
    const total = 18446744073709551615n - BigInt(i) * 1000n;
    const state = i % 2 ? 'ok' : 'warm, "dry" = \\';
    writeApi.writePoint(new Point('sensor').tag('id', `s${i % 4}`).floatField('temp', 20 + i / 4)
      .intField('count', i * 1000003 - 16000000).uintField('total', String(total))
      .stringField('state', state).booleanField('alarm', i % 3 === 0).timestamp(String(time)));
    rows.sensor.push({ time, site: 'lab', id: `s${i % 4}`, temp: 20 + i / 4,
                       count: BigInt(i * 1000003 - 16000000), total, state, alarm: i % 3 === 0 });
  }
  await writeApi.flush();
  // A Date timestamp at nanosecond precision; close() sends what is left.
  writeApi.writePoint(new Point('sensor').tag('id', 'date').floatField('temp', -0.5)
    .timestamp(new Date(S * 1000 + 60250)));
  rows.sensor.push({ time: ns(S + 60, 250000000), site: 'lab', id: 'date', temp: -0.5 });
  await writeApi.close();

  // Seconds, milliseconds and microseconds: a number in the unit, and a Date converted by the
  // client (1.5 s truncated to 1 s at second precision).
  for (const [precision, perSecond, t] of
       [['s', 1, 100], ['ms', 1000, 200], ['us', 1000000, 300]]) {
    const api = influx.getWriteApi('my-org', 'v2', precision);
    api.writePoint(new Point('precision').tag('unit', precision).intField('n', 1)
      .timestamp((S + t) * perSecond + (perSecond > 1 ? 7 : 0)));
    api.writePoint(new Point('precision').tag('unit', precision).intField('n', 2)
      .timestamp(new Date((S + t + 1) * 1000 + 500)));
    await api.close();
    const sub = { s: 0n, ms: 7000000n, us: 7000n }[precision];
    const dateFraction = precision === 's' ? 0n : 500000000n;
    rows.precision.push({ time: ns(S + t) + sub, unit: precision, n: 1n },
                        { time: ns(S + t + 1) + dateFraction, unit: precision, n: 2n });
  }

  // Errors surface as the client's HttpError with the status and strata's JSON body; 4xx are
  // not retried. v2 writes all or nothing: the valid line of each batch is not written.
  const failing = influx.getWriteApi('my-org', 'v2', 'ns', { maxRetries: 0 });
  failing.writeRecord('sensor,id=bad temp=1.5 1700000100000000000');
  failing.writeRecord('sensor,id=bad');
  let error = await rejection(failing.flush(), 'malformed line');
  if (error) {
    check(error instanceof HttpError && error.statusCode === 400,
          `malformed line: ${error.constructor.name} ${error.statusCode}: ${error.message}`);
    check(error.json?.error === 'parsing failed for write_lp endpoint' &&
          error.json?.data?.line_number === 2 &&
          error.json?.data?.original_line === 'sensor,id=bad',
          `malformed line: body ${error.body}`);
  }
  failing.writePoint(new Point('sensor').tag('id', 'bad').stringField('temp', 'hot')
    .timestamp('1700000200000000000'));
  error = await rejection(failing.flush(), 'type conflict');
  if (error) {
    check(error instanceof HttpError && error.statusCode === 400 &&
          /temp/.test(error.json?.data?.error_message),
          `type conflict: ${error.constructor.name} ${error.statusCode}: ${error.body}`);
  }
  await failing.close();

  await checkDatabase(server, 'v2', {
    sensor: { columns: { site: 'tag', id: 'tag', temp: 'float', count: 'integer',
                         total: 'uinteger', state: 'string', alarm: 'boolean' },
              rows: rows.sensor },
    precision: { columns: { unit: 'tag', n: 'integer' }, rows: rows.precision },
  });
}

// ---------------------------------------------------------------------------------------------
// @influxdata/influxdb3-client: POST /api/v2/write?bucket=&precision= by default, POST
// /api/v3/write_lp?db=&precision=<second|...>&no_sync=true with noSync; Token auth by default

async function influx3Writes(server) {
  const client = new InfluxDBClient({ host: server.base, token: 'not-checked', database: 'v3' });
  const rows = { weather: [], limits: [] };
  try {
    // A line protocol string, nanoseconds (the default), through /api/v2/write.
    await client.write(
      'weather,station=north temp=1.5,hum=40i,ok=true,note="fine" 1700000000000000000');
    rows.weather.push({ time: NS, station: 'north', temp: 1.5, hum: 40n, ok: true, note: 'fine' });
    // Lines in seconds.
    await client.write(['weather,station=south temp=-3.25,hum=85i 1700000001',
                        'weather,station=south temp=-3.5 1700000002'],
                       undefined, undefined, { precision: 's' });
    rows.weather.push({ time: ns(S + 1), station: 'south', temp: -3.25, hum: 85n },
                      { time: ns(S + 2), station: 'south', temp: -3.5 });
    // noSync: /api/v3/write_lp with InfluxDB 3's precision names; integers at their limits.
    await client.write('limits,kind=max big=9223372036854775807i,ubig=18446744073709551615u ' +
                       '1700000003000', 'v3', undefined, { precision: 'ms', noSync: true });
    await client.write('limits,kind=min big=-9223372036854775808i,ubig=0u 1700000004000000',
                       'v3', undefined, { precision: 'us', noSync: true });
    await client.write('limits,kind=zero big=0i,ubig=1u 1700000005',
                       'v3', undefined, { precision: 's', noSync: true });
    rows.limits.push(
      { time: ns(S + 3), kind: 'max', big: 9223372036854775807n, ubig: 18446744073709551615n },
      { time: ns(S + 4), kind: 'min', big: -9223372036854775808n, ubig: 0n },
      { time: ns(S + 5), kind: 'zero', big: 0n, ubig: 1n });

    // Points, over 1000 bytes in all (gzip-compressed). The client serializes a Point's Date at
    // nanosecond precision whatever writeOptions.precision says, so these use the default.
    const points = [];
    for (let i = 0; i < 24; i++) {
      const date = new Date(S * 1000 + 10000 + i * 1001);
      points.push(Point3.measurement('weather').setTag('station', `p${i % 3}`)
        .setFloatField('temp', i / 8).setIntegerField('hum', i * 3 - 30)
        .setUintegerField('visits', i * 1000).setStringField('note', `point "${i}"`)
        .setBooleanField('ok', i % 2 === 0).setTimestamp(date));
      rows.weather.push({ time: BigInt(date.getTime()) * 1000000n, station: `p${i % 3}`,
                          temp: i / 8, hum: BigInt(i * 3 - 30), visits: BigInt(i * 1000),
                          note: `point "${i}"`, ok: i % 2 === 0 });
    }
    await client.write(points);
    // A float field whole-valued (written as temp=7, a float), a default tag.
    await client.write(Point3.measurement('weather').setFloatField('temp', 7)
                         .setTimestamp('1700000100000000000'),
                       'v3', undefined, { defaultTags: { station: 'default' } });
    rows.weather.push({ time: ns(S + 100), station: 'default', temp: 7 });

    // Errors: HttpError with strata's status, its message built from the JSON body. Through
    // /api/v2/write nothing of the batch is written.
    let error = await rejection(
      client.write(['weather,station=bad temp=1 1700000200000000000',
                    'weather,station=bad temp="hot" 1700000201000000000']),
      'type conflict');
    if (error) {
      check(error instanceof HttpError3 && error.statusCode === 400 && /temp/.test(error.message),
            `type conflict: ${error.constructor.name} ${error.statusCode}: ${error.message}`);
    }
    // Through /api/v3/write_lp (noSync) a partial write: the valid line is written, the client's
    // message lists the rejected one.
    error = await rejection(client.write(['weather,station=partial temp=2.5 1700000300000000000',
                                          'weather,station=partial'],
                                         'v3', undefined, { noSync: true }),
                            'partial write');
    if (error) {
      check(error instanceof HttpError3 && error.statusCode === 400 &&
            error.message.startsWith('partial write of line protocol occurred:\n\tline 2: ') &&
            error.message.endsWith('(weather,station=partial)'),
            `partial write: ${error.constructor.name} ${error.statusCode}: ${error.message}`);
    }
    rows.weather.push({ time: ns(S + 300), station: 'partial', temp: 2.5 });
  } finally {
    await client.close();
  }

  await checkDatabase(server, 'v3', {
    weather: { columns: { station: 'tag', temp: 'float', hum: 'integer', ok: 'boolean',
                          note: 'string', visits: 'uinteger' }, rows: rows.weather },
    limits: { columns: { kind: 'tag', big: 'integer', ubig: 'uinteger' }, rows: rows.limits },
  });
}

// ---------------------------------------------------------------------------------------------
// With a token: each client authenticates its own way, and a wrong token is refused with 401
// before anything is written (the database 'denied' is never created).

async function authenticatedWrites(server) {
  const { token } = server;
  const wrong = 'apiv3_this-is-not-the-token';

  setSection('influx 1.x with a token');
  const v1 = new Influx.InfluxDB({ host: '127.0.0.1', port: server.port, database: 'auth_v1',
                                   username: 'anyone', password: token });
  await v1.writePoints([{ measurement: 'login', tags: { user: 'alice' },
                          fields: { ok: true, tries: 2.0 }, timestamp: new Date(S * 1000) }],
                       { precision: 's' });
  const [pong] = await v1.ping(2000);
  check(pong.online === true, 'ping with the token: not online');
  for (const [what, options] of [['a wrong password', { username: 'anyone', password: wrong }],
                                 ['the default root:root', {}]]) {
    const denied = new Influx.InfluxDB({ host: '127.0.0.1', port: server.port,
                                         database: 'denied', ...options });
    const error = await rejection(denied.writePoints([{ measurement: 'login',
                                                        fields: { ok: false } }]), what);
    if (error) {
      check(error.res?.statusCode === 401 &&
            /Basic/.test(error.res?.headers['www-authenticate'] ?? ''),
            `${what}: ${error.res?.statusCode} ${error.res?.headers['www-authenticate']}: ` +
            `${error.message}`);
    }
    const [deniedPong] = await denied.ping(2000);
    check(deniedPong.online === false, `ping with ${what}: online`);
  }
  await checkDatabase(server, 'auth_v1', {
    login: { columns: { user: 'tag', ok: 'boolean', tries: 'float' },
             rows: [{ time: ns(S), user: 'alice', ok: true, tries: 2 }] },
  });

  setSection('influxdb-client 2.x with a token');
  const v2 = new InfluxDB({ url: server.base, token }).getWriteApi('my-org', 'auth_v2', 's');
  v2.writePoint(new Point('login').tag('user', 'bob').intField('tries', 3).timestamp(S + 1));
  await v2.close();
  const denied2 = new InfluxDB({ url: server.base, token: wrong })
    .getWriteApi('my-org', 'denied', 's', { maxRetries: 0 });
  denied2.writePoint(new Point('login').tag('user', 'mallory').intField('tries', 1));
  const error2 = await rejection(denied2.flush(), 'wrong token');
  if (error2) {
    check(error2 instanceof HttpError && error2.statusCode === 401,
          `wrong token: ${error2.constructor.name} ${error2.statusCode}: ${error2.message}`);
  }
  await denied2.close();
  await checkDatabase(server, 'auth_v2', {
    login: { columns: { user: 'tag', tries: 'integer' },
             rows: [{ time: ns(S + 1), user: 'bob', tries: 3n }] },
  });

  setSection('influxdb3-client with a token');
  // 'Token' (the client's default scheme) and 'Bearer' (what its docs suggest for Core).
  for (const [authScheme, user, t] of [[undefined, 'carol', 2], ['Bearer', 'dave', 3]]) {
    const client = new InfluxDBClient({ host: server.base, token, database: 'auth_v3',
                                        authScheme });
    try {
      await client.write(`login,user=${user} tries=${t}i ${S + t}`, undefined, undefined,
                         { precision: 's' });
      await client.write(`login,user=${user} tries=${t + 10}i ${S + t + 10}`, undefined, undefined,
                         { precision: 's', noSync: true });
    } finally {
      await client.close();
    }
  }
  const denied3 = new InfluxDBClient({ host: server.base, token: wrong, database: 'denied' });
  for (const noSync of [false, true]) {
    const error = await rejection(denied3.write('login,user=mallory tries=1i', undefined, undefined,
                                                { noSync }), `wrong token, noSync ${noSync}`);
    if (error) {
      check(error instanceof HttpError3 && error.statusCode === 401 &&
            error.message === 'the request was not authenticated',
            `wrong token, noSync ${noSync}: ${error.constructor.name} ${error.statusCode}: ` +
            `${error.message}`);
    }
  }
  await denied3.close();
  await checkDatabase(server, 'auth_v3', {
    login: { columns: { user: 'tag', tries: 'integer' },
             rows: [{ time: ns(S + 2), user: 'carol', tries: 2n },
                    { time: ns(S + 12), user: 'carol', tries: 12n },
                    { time: ns(S + 3), user: 'dave', tries: 3n },
                    { time: ns(S + 13), user: 'dave', tries: 13n }] },
  });
}

// ---------------------------------------------------------------------------------------------

// Periodic snapshots off: the rows stay in the write buffer (the queries would read Parquet
// files just as well, but the test then never races a background snapshot).
const serverArgs = ['--snapshot-check-interval', '0'];

setSection('open server');
const open = await startStrata(strata, work, { name: 'open',
                                               args: ['--without-auth', ...serverArgs] });
await part('influx 1.x', () => influx1Writes(open));
await part('influxdb-client 2.x', () => influx2Writes(open));
await part('influxdb3-client', () => influx3Writes(open));
await part('open server', () => checkDatabases(open, ['v1', 'v2', 'v3']));
setSection('open server');
await stopServer(open);

setSection('server with a token');
const secured = await startStrata(strata, work, { name: 'auth', args: serverArgs });
secured.token = createAdminToken(strata, secured);
if (secured.token) {
  await part('authentication', () => authenticatedWrites(secured));
  await part('server with a token',
             () => checkDatabases(secured, ['auth_v1', 'auth_v2', 'auth_v3']));
}
setSection('server with a token');
await stopServer(secured);

finish('influx clients write', [open, secured], [`client log:\n${clientLog.join('\n')}`]);
