/*
 * The observability back-end plugin on the production backend stack
 * (`createBackend()` of @backstage/backend-defaults: its HTTP router, middleware,
 * request logging, auth, database, cache and scheduler), without the rest of the
 * portal. The catalog is a stand-in: no clusters (the benchmark's come from config),
 * and every `component:<namespace>/<name>` a service of dev-01, stag-01 and prod-01.
 * Started by fleet.bench.ts: `node bench/backend.ts --config <file>`.
 * SIGUSR2 prints the longest event-loop delay since the previous SIGUSR2
 * (`event-loop max <ms> ms`) and starts measuring again.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createBackend } from '@backstage/backend-defaults';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { observabilityPlugin } from '../plugins/observability-backend/src/plugin';

const backend = createBackend();
backend.add(observabilityPlugin);
backend.add(
  createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () =>
      ({
        getEntities: async () => ({ items: [] }),
        // Any component is a service of the demo clusters (signals benchmark).
        getEntityByRef: async (ref: string) => {
          const { kind, namespace, name } = parseEntityRef(ref);
          if (kind.toLocaleLowerCase('en-US') !== 'component') return undefined;
          return {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name,
              namespace,
              annotations: {
                'observability.fleetobs.io/clusters': 'dev-01,stag-01,prod-01',
              },
            },
            spec: { type: 'service', lifecycle: 'production', owner: 'bench' },
          };
        },
      } as any),
  }),
);
backend.start().then(
  () => process.stdout.write('bench backend ready\n'),
  error => {
    process.stderr.write(`bench backend failed: ${error}\n`);
    process.exit(1);
  },
);

// Resolution 10 ms: the delay the histogram records is how late its timer fires.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
process.on('SIGUSR2', () => {
  process.stdout.write(`event-loop max ${(loop.max / 1e6).toFixed(1)} ms\n`);
  loop.reset();
});
