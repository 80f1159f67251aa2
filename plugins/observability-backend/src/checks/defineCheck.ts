import {
  CheckResult,
  PlatformPart,
  SignalName,
} from '@fleetobs/plugin-observability-common';
import {
  ConfiguredCertificate,
  UpstreamClients,
} from '../upstream/createUpstreamClients';
import { UpstreamName } from '../upstream/UpstreamError';
import { JobSelectors } from './selectors';
import { Answer, CheckContext, FleetClusterRef } from './types';

/** Elasticsearch index / field options of the checks, defaults applied. */
export interface EsCheckSettings {
  logIndexPattern: string;
  spanIndexPattern: string;
  spanClusterField: string;
  logTimeField: string;
  spanTimeField: string;
}

/** ElastAlert2 (`observability.elastalert`), defaults applied. */
export interface ElastAlertSettings {
  /**
   * `writeback_index` of ElastAlert2's config; the runs of rules are in its
   * `<writebackIndex>_status` index (ElastAlert2 on Elasticsearch 6 and later).
   */
  writebackIndex: string;
  /** How a rule's name starts for a cluster, e.g. `{cluster}/` (`dev-01/error-spike`). */
  ruleNamePrefix: string;
}

/** What a check's requests and evaluation see of one round. */
export interface CheckEnv {
  clusters: FleetClusterRef[];
  ctx: CheckContext;
  es: EsCheckSettings;
  jobs: JobSelectors;
  /** Heartbeat alert used by `alert-routing`. */
  watchdogAlertName?: string;
  /** PEM certificates of the upstreams' `tls` config. */
  certificates: ConfiguredCertificate[];
  elastalert: ElastAlertSettings;
  /** The bucket a cluster's sidecars must write to: `{cluster}`, `{environment}` filled in. */
  clusterBucket: string;
}

type ClientName = UpstreamName & keyof UpstreamClients;
type ClientOf<U extends ClientName> = NonNullable<UpstreamClients[U]>;

/** An upstream without `url` in config: its checks say so. */
export class NotConfiguredError extends Error {
  constructor(readonly upstream: string) {
    super(`${upstream} is not configured (observability.${upstream}.url)`);
  }
}

/**
 * One question to an upstream for the whole fleet. Requests with the same `key` are
 * sent once per round however many checks need them, so "one request per question,
 * never one per cluster" holds by construction.
 */
export interface UpstreamRequest<T> {
  key: string;
  upstream: ClientName;
  send(clients: UpstreamClients, env: CheckEnv): Promise<T>;
}

/** A request to one upstream's client; `key` names the question within the round. */
export function upstreamRequest<U extends ClientName, T>(
  upstream: U,
  key: string,
  send: (client: ClientOf<U>, env: CheckEnv) => Promise<T>,
): UpstreamRequest<T> {
  return {
    key: `${upstream}:${key}`,
    upstream,
    send: (clients, env) => {
      const client = clients[upstream] as ClientOf<U> | undefined;
      if (!client) {
        throw new NotConfiguredError(upstream);
      }
      return send(client, env);
    },
  };
}

/**
 * Where a check's results are shown: per cluster under a signal, or a platform part;
 * `source` when that place's answers come from elsewhere than the check's `source`.
 */
export type CheckPlace = (
  | { signal: SignalName }
  | { platform: PlatformPart }
) & {
  source?: string;
};

/** Results of one evaluation, by place. */
export type CheckPlacement =
  | { signal: SignalName; results: Record<string, CheckResult> }
  | { platform: PlatformPart; result: CheckResult | undefined };

type Answers<R> = {
  [K in keyof R]: R[K] extends UpstreamRequest<infer T> ? Answer<T> : never;
};

/**
 * One fleet health check: what it is (for the catalogue and the UIs), the upstream
 * requests it needs by name, and how it turns their answers into results. Adding a
 * check is one file exporting a descriptor, listed in `registry.ts`.
 */
export interface CheckDescriptor<
  R extends Record<string, UpstreamRequest<any>> = Record<
    string,
    UpstreamRequest<any>
  >,
> {
  id: string;
  /** Short human title, shown in the UIs. */
  title: string;
  /** Where in the platform design the row is. */
  seed: string;
  /** The failure mode this check watches for (shown when it is not `ok`). */
  failureMode: string;
  /** What to do about it (shown when it is not `ok`). */
  mitigation: string;
  /** Where its results go; a failed evaluation puts an `unknown` result in each. */
  places: CheckPlace[];
  /** The upstream this check's answers come from, named in an `unknown` result. */
  source: string;
  requests: R;
  evaluate(answers: Answers<R>, env: CheckEnv): CheckPlacement[];
}

const defined = new Map<string, CheckDescriptor<any>>();

/** Declares a check (typed answers by request name); its id must be new. */
export function defineCheck<R extends Record<string, UpstreamRequest<any>>>(
  descriptor: CheckDescriptor<R>,
): CheckDescriptor<R> {
  if (defined.has(descriptor.id)) {
    throw new Error(`A check with id "${descriptor.id}" is already defined`);
  }
  defined.set(descriptor.id, descriptor);
  return descriptor;
}

/** A defined check by id, for the results it makes (title, failure mode, mitigation). */
export function definedCheck(id: string): CheckDescriptor | undefined {
  return defined.get(id);
}
