import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';

/**
 * The path of a tab of the entity's page (such as `kubernetes` or `observability`),
 * below the page the catalog's entity route points to wherever the app mounts it;
 * undefined when the app has no path for that route.
 */
export function useEntityTabLink(tab: string): string | undefined {
  const { entity } = useEntity();
  let entityPage: string | undefined;
  try {
    // Throws when the app has no path for the catalog's entity route; the same hooks
    // run on every render either way.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    entityPage = useRouteRef(entityRouteRef)(entityRouteParams(entity));
  } catch {
    entityPage = undefined;
  }
  return entityPage === undefined
    ? undefined
    : `${entityPage.replace(/\/+$/, '')}/${tab}`;
}
