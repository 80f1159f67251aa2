import {
  FIXTURE_CLUSTERS,
  FIXTURE_NOW,
  fixture,
  fixtureContext,
} from '../__fixtures__';
import { DEFAULT_ELASTALERT } from '../config';
import {
  elastalertSearchBody,
  evaluateElastAlert,
  statusIndex,
} from './elastalert';
import { answered, failed } from './types';

const ctx = fixtureContext();
const runs = () => answered(fixture('elasticsearch/search-elastalert.json'));

describe('elastalert (10.11 Log alert engine)', () => {
  it("reads ElastAlert2's run documents from <writeback_index>_status", () => {
    expect(statusIndex(DEFAULT_ELASTALERT)).toBe('elastalert_status_status');
    const body = elastalertSearchBody(FIXTURE_NOW);
    expect(body.aggs).toMatchObject({
      rules: {
        terms: { field: 'rule_name' },
        aggs: {
          latest: { max: { field: '@timestamp' } },
          matches: { sum: { field: 'matches' } },
          hits: { sum: { field: 'hits' } },
          time_taken: { max: { field: 'time_taken' } },
        },
      },
    });
  });

  it("judges each cluster's rules by their last run, with the evidence", () => {
    const r = evaluateElastAlert(
      runs(),
      FIXTURE_CLUSTERS,
      ctx,
      DEFAULT_ELASTALERT,
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['dev-01'].summary).toBe(
      '2 rules ran in the last 15m 0s; 291 matches in 24h',
    );
    expect(r['dev-01'].evidence.values).toMatchObject({
      index: 'elastalert_status_status',
      rule_prefix: 'dev-01/',
      rules: 2,
      runs_24h: 576,
      matches_24h: 291,
      hits_24h: 1492,
      oldest_last_run_rule: 'dev-01/filebeat-heartbeat',
      oldest_last_run_age_seconds: 122,
    });
    expect(r['stag-01'].status).toBe('warn');
    expect(r['stag-01'].summary).toBe(
      '1 of 2 rules last ran more than 15m 0s ago (stag-01/error-spike: 40m 0s)',
    );
    expect(r['prod-01']).toMatchObject({
      status: 'critical',
      summary:
        "ElastAlert2 stopped running the cluster's 2 rules: the newest run is 2h 1m old",
    });
    expect(r['ops-01'].status).toBe('warn');
    expect(r['ops-01'].summary).toMatch(
      /No ElastAlert2 rule named ops-01\/… ran/,
    );
    expect(decodeURIComponent(r['dev-01'].links[0].url)).toContain(
      "index:'elastalert_status_status',query:(language:kuery,query:'rule_name: dev-01/*')",
    );
  });

  it('attributes rules by the configured prefix only', () => {
    const r = evaluateElastAlert(runs(), FIXTURE_CLUSTERS, ctx, {
      writebackIndex: 'elastalert_status',
      ruleNamePrefix: 'team-a:{cluster}:',
    });
    for (const c of FIXTURE_CLUSTERS) expect(r[c.name].status).toBe('warn');
  });

  it('is unknown when the writeback index cannot be read', () => {
    const r = evaluateElastAlert(
      failed(
        'elasticsearch at /elastalert_status_status/_search answered HTTP 404: index_not_found_exception: no such index [elastalert_status_status]',
      ),
      FIXTURE_CLUSTERS,
      ctx,
      DEFAULT_ELASTALERT,
    );
    expect(r['dev-01'].status).toBe('unknown');
    expect(r['dev-01'].evidence.error).toMatch(/no such index/);
    expect(
      evaluateElastAlert(
        answered({ hits: { hits: [] } }),
        FIXTURE_CLUSTERS,
        ctx,
        DEFAULT_ELASTALERT,
      )['dev-01'].evidence.error,
    ).toMatch(/unexpected aggregation/);
  });
});
