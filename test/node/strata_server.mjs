// Runs the real strata server for the node.js tests (test/parquet, test/clients): on a free port
// of 127.0.0.1, with its data directory and log under the test's work directory, waiting until it
// answers HTTP; stop() waits for the process to exit, so that the caller's removal of the work
// directory (run_node_test.sh) never races a server still writing its shutdown or a snapshot.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts `<binary> serve` with `args` (e.g. ['--without-auth']) and resolves once GET /health
// answers, with 200 or, when the server requires a token, 401. `name` tells several servers of
// one test apart: their data directory is <work>/<name>-data and their log <work>/<name>.log.
// Exits the process with a message when the server dies or is not up within 20 s.
export async function startStrata(binary, work, { name = 'strata', args = [] } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logPath = path.join(work, `${name}.log`);
  const log = fs.openSync(logPath, 'w');
  const child = spawn(binary, ['serve', '--data-dir', path.join(work, `${name}-data`),
                               '--http-bind', `127.0.0.1:${port}`, '--log-level', 'warn', ...args],
                      { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = false;
  const gone = new Promise((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  // Never leave a server behind, whatever way the test ends.
  process.on('exit', () => {
    if (!exited) child.kill('SIGKILL');
  });

  const deadline = Date.now() + 20000;
  for (;;) {
    if (exited) {
      console.error(`${name} exited during start-up:\n${fs.readFileSync(logPath, 'utf8')}`);
      process.exit(1);
    }
    try {
      const health = await fetch(`${base}/health`);
      await health.arrayBuffer();
      if (health.status === 200 || health.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      console.error(`${name} did not answer /health within 20 s`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  return {
    base,
    port,
    logPath,
    // SIGTERM, then resolves true once the process has exited, false if it is still running
    // after 30 s (it is then killed when the test process exits).
    async stop() {
      if (exited) return true;
      child.kill('SIGTERM');
      const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), 30000));
      return await Promise.race([gone, timer]) !== 'timeout';
    },
  };
}
