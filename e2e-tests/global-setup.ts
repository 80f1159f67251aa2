// Playwright starts the demo (webServer) and waits for the front end on :3000; the back
// end on :7007 comes up on its own schedule. Before the first test signs in, wait for
// the back end's readiness endpoint, which answers 200 once every plugin has started.
const READINESS_URL = 'http://localhost:7007/.backstage/health/v1/readiness';
/** A bound for a slow, loaded machine (the webServer's own timeout), not a measurement. */
const DEADLINE_MS = 600_000;

export default async function waitForBackendReadiness() {
  const deadline = Date.now() + DEADLINE_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(READINESS_URL, {
        signal: AbortSignal.timeout(5_000),
      });
      if (res.ok) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  throw new Error(
    `The demo back end was not ready within ${
      DEADLINE_MS / 1000
    } s (${READINESS_URL}: ${last})`,
  );
}
