// Load generator for fleet.bench.ts, in its own process so that the client's work
// does not share the back end's event loop:
//   node burst.js <url> <concurrency> [bursts] [headers-json]
// node:http with keep-alive (a lighter client than fetch: on 2 cores the client's own
// cost is part of every latency). Opens <concurrency> connections with one burst
// first (not measured), then sends [bursts] bursts of <concurrency> simultaneous
// requests. Prints { latencies, serverMs, wallMs (per burst), bytes, wireBytes,
// statuses, round } as JSON (round: the first answer's `round`, for cold runs).
const http = require('node:http');
const zlib = require('node:zlib');

const [url, concurrency, bursts = '1', headersJson = '{}'] =
  process.argv.slice(2);
const headers = JSON.parse(headersJson);
// Cold runs warm up this process's client on another URL first, so that their
// first request measures the server rather than the client's start-up.
const warmUrl = process.env.BURST_WARM_URL;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function get(target) {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(target, { agent, headers }, res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - start;
          const wire = Buffer.concat(chunks);
          const timing = /dur=([\d.]+)/.exec(
            res.headers['server-timing'] ?? '',
          );
          resolve({
            ms,
            wire,
            gzip: res.headers['content-encoding'] === 'gzip',
            status: res.statusCode,
            serverMs: timing ? Number(timing[1]) : undefined,
          });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const burst = () =>
  Promise.all(Array.from({ length: Number(concurrency) }, () => get(url)));

(async () => {
  if (warmUrl) await get(warmUrl);
  else await burst();
  const results = [];
  const start = performance.now();
  for (let i = 0; i < Number(bursts); i++) results.push(...(await burst()));
  const first = results[0];
  const body = first.gzip ? zlib.gunzipSync(first.wire) : first.wire;
  let round;
  try {
    round = JSON.parse(body.toString('utf8')).round;
  } catch {
    round = undefined;
  }
  process.stdout.write(
    JSON.stringify({
      latencies: results.map(r => r.ms),
      serverMs: results.map(r => r.serverMs).filter(v => v !== undefined),
      wallMs: (performance.now() - start) / Number(bursts),
      bytes: body.length,
      wireBytes: first.wire.length,
      statuses: [...new Set(results.map(r => r.status))],
      round,
    }),
  );
  agent.destroy();
})().catch(error => {
  process.stderr.write(String(error));
  process.exit(1);
});
