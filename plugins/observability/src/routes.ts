import { createRouteRef } from '@backstage/core-plugin-api';

export const rootRouteRef = createRouteRef({ id: 'observability' });

export const retentionRouteRef = createRouteRef({
  id: 'observability-retention',
});
