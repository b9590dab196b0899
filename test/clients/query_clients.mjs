// InfluxDB 1.x's JavaScript client (`influx`) querying the real strata server through /query
// (registered with ctest as influx_clients_query by CMakeLists.txt, through
// test/node/run_node_test.sh): its schema helpers getDatabaseNames(), getMeasurements(),
// getSeries(), showRetentionPolicies(), query() of SHOW statements (one, several at once, with
// bound placeholders), the errors it raises for a failed statement and for a syntax error, and
// credentials: one server runs open (--without-auth), one with an operator token given as the
// password. The SELECT checks run once SELECT is implemented (see SELECT_PENDING).
// Usage: node query_clients.mjs <strata binary> <work dir>
import Influx from 'influx';
import { startStrata } from '../node/strata_server.mjs';
import {
  check, createAdminToken, finish, part, rejection, same, setSection, startTest, stopServer,
} from './test_harness.mjs';

const { strata, work } = startTest('query_clients.mjs');

const S = 1700000000;  // 2023-11-14T22:13:20Z, in seconds

// The rows every part queries: two measurements, tags that need escaping in series keys, every
// field type.
// Without a schema the client writes every number as a float.
async function writeData(client) {
  await client.writePoints([
    { measurement: 'cpu', tags: { host: 'a', region: 'us' }, fields: { usage: 1.5, cores: 4 },
      timestamp: new Date(S * 1000) },
    { measurement: 'cpu', tags: { host: 'b', region: 'eu' }, fields: { usage: 2.5, cores: 8 },
      timestamp: new Date((S + 60) * 1000) },
    { measurement: 'cpu', tags: { host: 'web 1' }, fields: { usage: 0.5, cores: 2 },
      timestamp: new Date((S + 120) * 1000) },
    { measurement: 'mem', tags: { host: 'a' }, fields: { free: 1024, label: 'x', ok: true },
      timestamp: new Date(S * 1000) },
  ], { precision: 's' });
}

async function schemaHelpers(client) {
  const databases = await client.getDatabaseNames();
  check(databases.includes('clients'), `getDatabaseNames: ${JSON.stringify(databases)}`);

  same(await client.getMeasurements(), ['cpu', 'mem'], 'getMeasurements');
  same(await client.getMeasurements('clients'), ['cpu', 'mem'], 'getMeasurements(db)');
  same(await client.getSeries(),
       ['cpu,host=a,region=us', 'cpu,host=b,region=eu', 'cpu,host=web\\ 1', 'mem,host=a'],
       'getSeries');
  same(await client.getSeries({ measurement: 'mem' }), ['mem,host=a'], 'getSeries(measurement)');

  const policies = await client.showRetentionPolicies();
  same(policies.map(({ name, duration, shardGroupDuration, replicaN, default: isDefault }) =>
         ({ name, duration, shardGroupDuration, replicaN, isDefault })),
       [{ name: 'autogen', duration: '0s', shardGroupDuration: '168h0m0s', replicaN: 1,
          isDefault: true }],
       'showRetentionPolicies');
}

async function showQueries(client) {
  const tagKeys = await client.query('SHOW TAG KEYS FROM cpu');
  same(tagKeys.map((row) => row.tagKey), ['host', 'region'], 'SHOW TAG KEYS');

  const fieldKeys = await client.query('SHOW FIELD KEYS');
  same(fieldKeys.map((row) => [row.fieldKey, row.fieldType]),
       [['cores', 'float'], ['usage', 'float'], ['free', 'float'], ['label', 'string'],
        ['ok', 'boolean']],
       'SHOW FIELD KEYS');
  // Results are grouped by series: the measurement is each group's name.
  same(fieldKeys.groups().map((group) => group.name), ['cpu', 'mem'], 'SHOW FIELD KEYS groups');

  const values = await client.query('SHOW TAG VALUES FROM cpu WITH KEY IN ("host", "region") ' +
                                    "WHERE region != 'eu'");
  same(values.map((row) => [row.key, row.value]),
       [['host', 'a'], ['host', 'web 1'], ['region', 'us']], 'SHOW TAG VALUES');

  // Several statements in one request: one result each.
  const [measurements, series] = await client.query(
    ['SHOW MEASUREMENTS', "SHOW SERIES WHERE host = 'a'"]);
  same(measurements.map((row) => row.name), ['cpu', 'mem'], 'SHOW MEASUREMENTS (first of two)');
  same(series.map((row) => row.key), ['cpu,host=a,region=us', 'mem,host=a'],
       'SHOW SERIES (second of two)');

  // Bound parameters, sent as `params`.
  const bound = await client.query('SHOW TAG VALUES WITH KEY = "region" WHERE host = $host',
                                   { placeholders: { host: 'b' } });
  same(bound.map((row) => row.value), ['eu'], 'placeholders');

  // A statement's error rejects the query with its message; a syntax error too (a 400).
  const failed = await rejection(client.query('SHOW TAG KEYS ON nosuch'), 'unknown database');
  if (failed) {
    check(/database not found: nosuch/.test(failed.message), `unknown database: ${failed.message}`);
  }
  const syntax = await rejection(client.query('SHOW NOTHING'), 'syntax error');
  if (syntax) {
    check(/error parsing query/.test(syntax.message), `syntax error: ${syntax.message}`);
  }
}

async function selects(client) {
  const rows = await client.query("SELECT usage, cores FROM cpu WHERE host = 'a'");
  same(rows.map((row) => [row.time.toNanoISOString(), row.usage, row.cores]),
       [['2023-11-14T22:13:20.000000000Z', 1.5, 4]], 'SELECT');
  const grouped = await client.query('SELECT mean(usage) FROM cpu GROUP BY host');
  same(grouped.groups().map((group) => group.tags.host), ['a', 'b', 'web 1'], 'GROUP BY host');
  // query() asks for times in the given precision (epoch=ms).
  const ms = await client.query("SELECT usage FROM cpu WHERE host = 'b'", { precision: 'ms' });
  same(ms.map((row) => row.time.getTime()), [(S + 60) * 1000], 'SELECT with precision ms');
}

setSection('open server');
const open = await startStrata(strata, work, { name: 'open', args: ['--without-auth'] });
const client = new Influx.InfluxDB({ host: '127.0.0.1', port: open.port, database: 'clients' });
await part('write', () => writeData(client));
await part('schema helpers', () => schemaHelpers(client));
await part('SHOW queries', () => showQueries(client));
await part('SELECT', () => selects(client));
setSection('open server');
await stopServer(open);

setSection('server with a token');
const secured = await startStrata(strata, work, { name: 'auth' });
const token = createAdminToken(strata, secured);
if (token) {
  await part('authentication', async () => {
    const authed = new Influx.InfluxDB({ host: '127.0.0.1', port: secured.port,
                                         database: 'clients', username: 'anyone',
                                         password: token });
    await writeData(authed);
    same(await authed.getMeasurements(), ['cpu', 'mem'], 'getMeasurements with the token');
    const denied = new Influx.InfluxDB({ host: '127.0.0.1', port: secured.port,
                                         database: 'clients', username: 'anyone',
                                         password: 'apiv3_wrong' });
    const error = await rejection(denied.getDatabaseNames(), 'a wrong password');
    if (error) {
      check(error.res?.statusCode === 401, `a wrong password: ${error.res?.statusCode} ` +
            `${error.message}`);
    }
  });
}
setSection('server with a token');
await stopServer(secured);

finish('influx clients query', [open, secured]);
