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

const silenceCreatedSchema = z.object({ silenceID: z.string() }).passthrough();

const silenceSchema = z
  .object({
    id: z.string(),
    matchers: z.array(
      z.object({
        name: z.string(),
        value: z.string(),
        isRegex: z.boolean(),
        isEqual: z.boolean().optional(),
      }),
    ),
    startsAt: z.string(),
    endsAt: z.string(),
    createdBy: z.string(),
    comment: z.string(),
    status: z.object({ state: z.enum(['expired', 'active', 'pending']) }),
  })
  .passthrough();

export type AlertmanagerAlert = z.infer<typeof alertSchema>;
export type AlertmanagerSilence = z.infer<typeof silenceSchema>;

/** The body of `POST /api/v2/silences` (a new silence: no `id`). */
export interface NewSilence {
  matchers: {
    name: string;
    value: string;
    isRegex: boolean;
    isEqual: boolean;
  }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}
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
  /** `POST /api/v2/silences`: the new silence's id. */
  createSilence(silence: NewSilence): Promise<string>;
  /** `GET /api/v2/silence/{id}`. */
  silence(id: string): Promise<AlertmanagerSilence>;
  /** `DELETE /api/v2/silence/{id}`: expires it. */
  expireSilence(id: string): Promise<void>;
}

// Alertmanager's silence ids are UUIDs; anything else never reaches a path.
const SILENCE_ID = /^[0-9a-fA-F-]{1,64}$/;

function silencePath(id: string) {
  if (!SILENCE_ID.test(id)) throw new Error(`invalid silence id "${id}"`);
  return `/api/v2/silence/${id}`;
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

  async createSilence(silence: NewSilence) {
    const created = await this.http.post(
      '/api/v2/silences',
      silenceCreatedSchema,
      { json: silence },
    );
    return created.silenceID;
  }

  silence(id: string) {
    return this.http.get(silencePath(id), silenceSchema);
  }

  async expireSilence(id: string) {
    await this.http.delete(silencePath(id));
  }
}
