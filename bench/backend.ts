/*
 * The observability back-end plugin on the production backend stack
 * (`createBackend()` of @backstage/backend-defaults: its HTTP router, middleware,
 * request logging, auth, database, cache and scheduler), without the rest of the
 * portal. The catalog is an empty stand-in: the benchmark's clusters come from config.
 * Started by fleet.bench.ts: `node bench/backend.ts --config <file>`.
 */
import { createBackend } from '@backstage/backend-defaults';
import { createServiceFactory } from '@backstage/backend-plugin-api';
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
