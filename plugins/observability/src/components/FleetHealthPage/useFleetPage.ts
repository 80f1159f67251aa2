import {
  FleetPageQuery,
  FleetSummaryPage,
} from '@fleetobs/plugin-observability-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ObservabilityApi } from '../../api';

/** What the page lists: filters and sort, without the paging. */
export type FleetListing = Omit<FleetPageQuery, 'limit' | 'cursor'>;

/** A page as shown: the answer and where it is in the listing. */
export interface ShownPage {
  page: FleetSummaryPage;
  /** 0 for the first page. */
  index: number;
}

/**
 * One page of the fleet from the server at a time. The cursors of the pages already
 * seen are kept, so "previous" goes back without walking the listing again; another
 * listing (filter or sort) starts again at its first page.
 */
export function useFleetPage(
  api: ObservabilityApi,
  listing: FleetListing,
  pageSize: number,
) {
  const key = JSON.stringify(listing);
  const [paging, setPaging] = useState({
    key,
    cursors: [undefined] as Array<string | undefined>,
    index: 0,
  });
  const current =
    paging.key === key
      ? paging
      : { key, cursors: [undefined] as Array<string | undefined>, index: 0 };
  const cursor = current.cursors[current.index];
  const state = useAsyncRetry(async (): Promise<ShownPage> => {
    const page = await api.getFleetPage({
      ...listing,
      limit: pageSize,
      cursor,
    });
    return { page, index: current.index };
    // The listing is in `key`; `current.index` goes with `cursor`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, cursor, pageSize]);

  const nextCursor = state.value?.page.nextCursor;
  const shownIndex = state.value?.index ?? 0;
  return {
    ...state,
    hasNext: Boolean(nextCursor) && !state.loading,
    hasPrevious: shownIndex > 0 && !state.loading,
    next: () =>
      nextCursor &&
      setPaging({
        key,
        cursors: [...current.cursors.slice(0, shownIndex + 1), nextCursor],
        index: shownIndex + 1,
      }),
    previous: () =>
      setPaging({
        key,
        cursors: current.cursors,
        index: Math.max(0, shownIndex - 1),
      }),
  };
}
