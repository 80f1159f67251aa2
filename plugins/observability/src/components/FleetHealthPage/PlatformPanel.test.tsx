import { renderInTestApp } from '@backstage/test-utils';
import {
  CheckResult,
  FleetHealthSummary,
} from '@fleetobs/plugin-observability-common';
import { screen, within } from '@testing-library/react';
import { PlatformPanel } from './PlatformPanel';

const reachability = (
  id: string,
  status: CheckResult['status'],
  summary: string,
): CheckResult => ({
  id,
  title: `${id} title`,
  status,
  summary,
  evidence: { source: id.split('-')[0] },
  links: [],
  observedAt: '2026-12-02T10:00:00.000Z',
});

const unchecked = { status: 'unknown' as const, checks: [] };

const platform: FleetHealthSummary['platform'] = {
  thanos: unchecked,
  elasticsearch: unchecked,
  jaeger: unchecked,
  kibana: {
    status: 'ok',
    checks: [reachability('kibana-reachable', 'ok', 'Kibana 8.15.0 available')],
  },
  grafana: {
    status: 'critical',
    checks: [
      reachability(
        'grafana-reachable',
        'critical',
        'Grafana is not reachable: connection refused',
      ),
    ],
  },
};

describe('PlatformPanel', () => {
  it('shows every platform part, the drilldown UIs with their checks', async () => {
    await renderInTestApp(<PlatformPanel platform={platform} />);
    for (const title of [
      'Global Thanos Query',
      'Elasticsearch',
      'Jaeger Query',
      'Kibana',
      'Grafana',
    ]) {
      expect(screen.getByText(title)).toBeInTheDocument();
    }
    const kibana = screen.getByTestId('platform-kibana');
    expect(
      within(kibana).getByText('Kibana 8.15.0 available'),
    ).toBeInTheDocument();
    const grafana = screen.getByTestId('platform-grafana');
    expect(within(grafana).getAllByText(/critical/i).length).toBeGreaterThan(0);
    expect(
      within(grafana).getByText('Grafana is not reachable: connection refused'),
    ).toBeInTheDocument();
  });

  it('leaves out a part the answer does not carry (an older back end)', async () => {
    const { kibana: _k, grafana: _g, ...older } = platform;
    await renderInTestApp(<PlatformPanel platform={older} />);
    expect(screen.getByText('Jaeger Query')).toBeInTheDocument();
    expect(screen.queryByText('Kibana')).not.toBeInTheDocument();
    expect(screen.queryByTestId('platform-grafana')).not.toBeInTheDocument();
  });
});
