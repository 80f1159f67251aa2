import { DeepLink } from '@fleetobs/plugin-observability-common';
import { LinkBuilder, TimeRange, UiLinks } from './types';

const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now' };

const trimBase = (url: string) => url.replace(/\/+$/, '');

/** Rison string literal (Kibana URL state). */
export function risonString(value: string): string {
  return `'${value.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
}

/** KQL string literal: `"dev-01"`. */
export function kqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Grafana Explore, Kibana Discover and Jaeger search links from `observability.ui`. */
export function createLinkBuilder(ui: UiLinks): LinkBuilder {
  return {
    grafanaExplore(title, promql, range = DEFAULT_RANGE): DeepLink[] {
      if (!ui.grafanaUrl) return [];
      const datasource = ui.grafanaDatasource
        ? { type: 'prometheus', uid: ui.grafanaDatasource }
        : undefined;
      const panes = {
        obs: {
          datasource: ui.grafanaDatasource,
          queries: [{ refId: 'A', expr: promql, datasource }],
          range,
        },
      };
      const url = `${trimBase(
        ui.grafanaUrl,
      )}/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(
        JSON.stringify(panes),
      )}`;
      return [{ title, url }];
    },
    kibanaDiscover(
      title,
      { kuery, range = DEFAULT_RANGE, indexPattern },
    ): DeepLink[] {
      if (!ui.kibanaUrl) return [];
      const g = `(time:(from:${risonString(range.from)},to:${risonString(
        range.to,
      )}))`;
      // An ad-hoc data view by index pattern, as Kibana writes it in `_a.index`.
      const index = indexPattern ? `index:${risonString(indexPattern)},` : '';
      const a = `(${index}query:(language:kuery,query:${risonString(kuery)}))`;
      const url = `${trimBase(
        ui.kibanaUrl,
      )}/app/discover#/?_g=${encodeURIComponent(g)}&_a=${encodeURIComponent(
        a,
      )}`;
      return [{ title, url }];
    },
    jaegerSearch(title, { service, tags, lookback = '1h' }): DeepLink[] {
      if (!ui.jaegerUrl) return [];
      const params = new URLSearchParams();
      if (service) params.set('service', service);
      if (tags) params.set('tags', JSON.stringify(tags));
      params.set('lookback', lookback);
      params.set('limit', '20');
      return [{ title, url: `${trimBase(ui.jaegerUrl)}/search?${params}` }];
    },
  };
}
