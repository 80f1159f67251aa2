import { z } from 'zod';
import { UpstreamHttp } from './httpJson';

const alertSchema = z
  .object({
    labels: z.record(z.string()),
    annotations: z.record(z.string()).optional(),
    receivers: z.array(z.object({ name: z.string() }).passthrough()),
    fingerprint: z.string(),
    startsAt: z.string(),
    endsAt: z.string().optional(),
    updatedAt: z.string().optional(),
    generatorURL: z.string().optional(),
    status: z
      .object({
        state: z.enum(['unprocessed', 'active', 'suppressed']),
        silencedBy: z.array(z.string()).nullable().optional(),
        inhibitedBy: z.array(z.string()).nullable().optional(),
        mutedBy: z.array(z.string()).nullable().optional(),
      })
      .passthrough(),
  })
  .passthrough();

const statusSchema = z
  .object({
    cluster: z
      .object({
        name: z.string().optional(),
        status: z.string(),
        peers: z.array(z.unknown()).nullable().optional(),
      })
      .passthrough(),
    config: z.object({ original: z.string() }).passthrough().optional(),
    uptime: z.string(),
    versionInfo: z.record(z.string()).optional(),
  })
  .passthrough();

export type AlertmanagerAlert = z.infer<typeof alertSchema>;
export type AlertmanagerStatus = z.infer<typeof statusSchema>;

export interface AlertQuery {
  /** Label matchers, e.g. `alertname="Watchdog"` (each one a `filter` parameter). */
  filter?: string[];
  active?: boolean;
  silenced?: boolean;
  inhibited?: boolean;
  unprocessed?: boolean;
  /** Regex on receiver names. */
  receiver?: string;
}

/** Alertmanager v2 API. */
export interface AlertmanagerClient {
  readonly requestCount: number;
  /** `GET /api/v2/alerts`. */
  alerts(query?: AlertQuery): Promise<AlertmanagerAlert[]>;
  /** `GET /api/v2/status`. */
  status(): Promise<AlertmanagerStatus>;
}

export class FetchAlertmanagerClient implements AlertmanagerClient {
  constructor(private readonly http: UpstreamHttp) {}

  get requestCount() {
    return this.http.requestCount;
  }

  alerts(query: AlertQuery = {}) {
    const flag = (v?: boolean) => (v === undefined ? undefined : String(v));
    return this.http.get('/api/v2/alerts', z.array(alertSchema), {
      filter: query.filter,
      active: flag(query.active),
      silenced: flag(query.silenced),
      inhibited: flag(query.inhibited),
      unprocessed: flag(query.unprocessed),
      receiver: query.receiver,
    });
  }

  status() {
    return this.http.get('/api/v2/status', statusSchema);
  }
}
