import { Doc } from './esQuery';
import { FleetModel, unit } from './model';
import { platformFaultSince } from './platformFaults';

// ElastAlert2's writeback: every run of a rule is a document in
// `<writeback_index>_status` (`elastalert_status_status` with the default name):
// `{ rule_name, starttime, endtime, hits, matches, time_taken, @timestamp }`.

/** The index the run documents are in. */
export const ELASTALERT_STATUS_INDEX = 'elastalert_status_status';
/** ElastAlert2's `run_every` in the demo: 5 minutes. */
const RUN_EVERY_MS = 300_000;
const WINDOW_MS = 86_400_000;

/** The heartbeat rule matches every run; the others when a run saw many hits. */
const ruleMatches = (rule: string, hits: number) =>
  rule === 'filebeat-heartbeat' || hits > 380 ? 1 : 0;

/** The rules of each cluster (`<cluster>/<rule>`, the back end's default prefix). */
const RULES = ['error-spike', 'filebeat-heartbeat'];

/**
 * Run documents of the last 24 h: per rule its last run, and one document standing
 * for the earlier runs. Runs stop when `elastalert-stalled` is injected.
 */
export function elastalertDocs(model: FleetModel): Doc[] {
  const now = model.now();
  const docs: Doc[] = [];
  for (const cluster of model.clusters) {
    const stalled = platformFaultSince(
      model,
      cluster.name,
      'elastalert-stalled',
    );
    for (const rule of RULES) {
      const name = `${cluster.name}/${rule}`;
      const offset = Math.floor(unit(`${name}/run`) * RUN_EVERY_MS);
      const until = Math.min(now, stalled ?? now);
      const last =
        Math.floor((until - offset) / RUN_EVERY_MS) * RUN_EVERY_MS + offset;
      const earlierRuns = Math.floor(
        Math.max(0, last - (now - WINDOW_MS)) / RUN_EVERY_MS,
      );
      const run = (endMs: number, weight: number, id: string): Doc => {
        const hits = Math.floor(unit(`${name}/${id}/hits`) * 400);
        return {
          _index: ELASTALERT_STATUS_INDEX,
          _id: `${name}-${id}`,
          _w: weight,
          rule_name: name,
          '@timestamp': new Date(endMs + 350).toISOString(),
          starttime: new Date(endMs - RUN_EVERY_MS).toISOString(),
          endtime: new Date(endMs).toISOString(),
          hits,
          matches: ruleMatches(rule, hits),
          time_taken: Math.round(unit(`${name}/${id}/took`) * 900) / 1000,
        };
      };
      if (last > now - WINDOW_MS) docs.push(run(last, 1, 'last'));
      if (earlierRuns > 0) {
        docs.push(run(last - RUN_EVERY_MS, earlierRuns, 'earlier'));
      }
    }
  }
  return docs;
}
