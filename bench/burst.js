// Load generator for fleet.bench.ts, in its own process so that the client's work
// does not share the back end's event loop: `node burst.js <url> <concurrency>`.
// Prints { latencies: [ms...], wallMs, bytes } as JSON.
const [url, concurrency] = process.argv.slice(2);

async function one() {
  const start = performance.now();
  const res = await fetch(url);
  const bytes = (await res.arrayBuffer()).byteLength;
  return { ms: performance.now() - start, bytes, status: res.status };
}

(async () => {
  const start = performance.now();
  const results = await Promise.all(
    Array.from({ length: Number(concurrency) }, one),
  );
  process.stdout.write(
    JSON.stringify({
      latencies: results.map(r => r.ms),
      wallMs: performance.now() - start,
      bytes: results[0].bytes,
      statuses: [...new Set(results.map(r => r.status))],
    }),
  );
})().catch(error => {
  process.stderr.write(String(error));
  process.exit(1);
});
