// Streams line protocol from stdin to a strata server: batches of --batch-lines lines, --concurrency
// requests in flight, reading only as fast as the server accepts. Prints rows and rows/s at the end
// (and every 10 s to stderr). Exits non-zero on any non-204 answer.
//
// Usage: node bench/post_lp.mjs --url http://127.0.0.1:8181 --db bench [--batch-lines 5000]
//                               [--concurrency 4] [--precision ns] [--file F --copies K]
// With --file and --copies, the file is sent K times instead of stdin, copy k with every
// `hostname=host_` renamed `hostname=host_<k>x` (K times the series, same times): a large data
// set from a small one, without generating it.
import http from 'node:http';

const options = { url: 'http://127.0.0.1:8181', db: 'bench', 'batch-lines': 5000, concurrency: 4,
  precision: 'ns', file: '', copies: 1 };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in options) || i + 1 >= process.argv.length) {
    console.error(`post_lp.mjs: unknown option or missing value: ${process.argv[i]}`);
    process.exit(2);
  }
  options[key] = typeof options[key] === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}
const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
const target = new URL(`/api/v3/write_lp?db=${encodeURIComponent(options.db)}&precision=${options.precision}`,
  options.url);

function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method: 'POST', agent, headers: { 'Content-Length': body.length } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => (res.statusCode === 204 ? resolve()
          : reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 500)}`))));
      });
    req.on('error', reject);
    req.end(body);
  });
}

const started = Date.now();
let rows = 0;
const inFlight = new Set();
let pending = [];
let pendingLines = 0;
let lastReport = started;

async function send(lines) {
  const body = Buffer.concat(pending);
  pending = [];
  pendingLines = 0;
  const p = post(body).then(() => {
    rows += lines;
    inFlight.delete(p);
  });
  inFlight.add(p);
  if (inFlight.size >= options.concurrency) {
    await Promise.race(inFlight);
  }
  if (Date.now() - lastReport > 10000) {
    lastReport = Date.now();
    console.error(`  ${rows} rows, ${Math.round(rows / ((lastReport - started) / 1000))} rows/s`);
  }
}

async function* input() {
  if (!options.file) {
    yield* process.stdin;
    return;
  }
  const fs = await import('node:fs');
  const text = fs.readFileSync(options.file, 'latin1');
  for (let k = 0; k < options.copies; k++) {
    const copy = options.copies === 1 ? text : text.replaceAll('hostname=host_', `hostname=host_${k}x`);
    // In pieces of about 16 MB, ending at line ends.
    for (let start = 0; start < copy.length;) {
      let end = Math.min(copy.length, start + (16 << 20));
      if (end < copy.length) end = copy.indexOf('\n', end) + 1 || copy.length;
      yield Buffer.from(copy.slice(start, end), 'latin1');
      start = end;
    }
  }
}

try {
  for await (const chunk of input()) {
    const data = chunk;
    let start = 0;
    let pos = data.indexOf(10);
    while (pos !== -1) {
      pendingLines++;
      if (pendingLines === options['batch-lines']) {
        pending.push(data.subarray(start, pos + 1));
        start = pos + 1;
        await send(options['batch-lines']);
      }
      pos = data.indexOf(10, pos + 1);
    }
    if (start < data.length) {
      pending.push(Buffer.from(data.subarray(start)));
    }
  }
  if (pendingLines > 0) {
    await send(pendingLines);
  }
  await Promise.all(inFlight);
} catch (e) {
  console.error(`post_lp.mjs: ${e.message}`);
  process.exit(1);
}
const seconds = (Date.now() - started) / 1000;
console.log(`${rows} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s)`);
agent.destroy();
