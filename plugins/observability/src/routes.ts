import { createRouteRef } from '@backstage/core-plugin-api';

// The plugin's routes, shared by the legacy plugin (plugin.ts) and the new frontend
// system's (alpha.tsx). Route refs of @backstage/core-plugin-api 1.12 and later work in
// both systems as they are, so there is nothing to convert with convertLegacyRouteRef.

/** The fleet health page. */
export const rootRouteRef = createRouteRef({ id: 'observability' });

/** The retention page. */
export const retentionRouteRef = createRouteRef({
  id: 'observability-retention',
});
