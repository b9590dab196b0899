// The harness the client tests (write_clients.mjs, query_clients.mjs) share: their arguments, a
// deadline, checks counted and failures reported per section, parts that go on after an
// exception, the operator token of a server with authentication, and the summary line and exit
// status run_node_test.sh and ctest read.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

let failures = 0;
let checks = 0;
let section = '';
const started = performance.now();

// The test's arguments, `<strata binary> <work dir>` (exits with a usage message without them),
// and its deadline: the test takes a few seconds; a hung request (the clients retry or wait 10 s
// and more) ends it after `seconds` rather than at ctest's timeout. Servers are killed on exit
// (strata_server.mjs).
export function startTest(script, { seconds = 60 } = {}) {
  const [strata, work] = process.argv.slice(2);
  if (!strata || !work) {
    console.error(`usage: node ${script} <strata binary> <work dir>`);
    process.exit(2);
  }
  setTimeout(() => {
    console.error(`FAIL [${section}] the test did not finish within ${seconds} s`);
    process.exit(1);
  }, seconds * 1000).unref();
  return { strata, work };
}

// Names what the failures that follow belong to.
export function setSection(name) {
  section = name;
}

export function fail(message) {
  failures++;
  console.error(`FAIL [${section}] ${message}`);
}

export function check(condition, message) {
  checks++;
  if (!condition) fail(message);
  return condition;
}

// Checks that `actual` and `expected` have the same JSON.
export function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  return check(a === e, `${what}: got ${a}, expected ${e}`);
}

// Runs one part of the test as section `name`; an exception (a request that should have
// succeeded) fails it and the test goes on with the next part.
export async function part(name, body) {
  section = name;
  try {
    await body();
  } catch (error) {
    fail(`unexpected ${error?.stack ?? error}`);
  }
}

// Resolves to the error `promise` rejects with, or fails the check and resolves to null.
export async function rejection(promise, what) {
  try {
    await promise;
  } catch (error) {
    checks++;
    return error;
  }
  fail(`${what}: succeeded, expected an error`);
  return null;
}

// An operator token of `server` (started with authentication), created with `strata create token
// --admin`; undefined, after failing, when it cannot be.
export function createAdminToken(strata, server) {
  const created = spawnSync(strata, ['create', 'token', '--admin', '--host', server.base,
                                     '--format', 'json'], { encoding: 'utf8', timeout: 10000 });
  try {
    return JSON.parse(created.stdout).token;
  } catch {
    fail(`strata create token: exit ${created.status}: ${created.stdout} ${created.stderr}`);
    return undefined;
  }
}

// Stops `server` (startStrata's), failing if it does not exit.
export async function stopServer(server) {
  if (!await server.stop()) fail('strata did not exit within 30 s of SIGTERM');
}

// Ends the test: on failure prints `extraLog` (lines) and the servers' logs, then the summary
// ("<name>: N checks, M failures, S s" and ctest's "1 passed, 0 failed") and exits 0 or 1.
export function finish(name, servers, extraLog = []) {
  if (failures > 0) {
    if (extraLog.length > 0) console.error(extraLog.join('\n'));
    for (const server of servers) {
      console.error(`${server.logPath}:\n${fs.readFileSync(server.logPath, 'utf8')}`);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${name}: ${checks} checks, ${failures} failures, ${seconds} s`);
  console.log(`${failures === 0 ? 1 : 0} passed, ${failures === 0 ? 0 : 1} failed`);
  process.exit(failures === 0 ? 0 : 1);
}
