import { clusterSeries, METRIC_HELP } from './metrics';
import { FleetModel, SimCluster } from './model';

const escapeValue = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * Prometheus text exposition (0.0.4) of one cluster's series, with the `cluster`,
 * `environment`, `replica` and `job` labels set, for a Prometheus scraping with
 * `honor_labels: true`.
 */
export function exposition(model: FleetModel, cluster: SimCluster): string {
  const series = clusterSeries(model, cluster, model.now());
  const byName = new Map<string, typeof series>();
  for (const s of series)
    byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const lines: string[] = [];
  for (const [name, list] of byName) {
    const [type, help] = METRIC_HELP[name] ?? ['untyped', name];
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of list) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeValue(v)}"`)
        .join(',');
      lines.push(
        `${name}{${labels}} ${
          Number.isInteger(s.value) ? s.value : s.value.toFixed(3)
        }`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
