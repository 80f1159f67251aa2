import { z } from 'zod';
import { UpstreamHttp } from './httpJson';

// Grafana `GET /api/health` (no authentication needed): `{ database, version, commit }`,
// `database` `ok`, or `failing` with HTTP 503.
const healthSchema = z
  .object({
    database: z.string(),
    version: z.string().optional(),
    commit: z.string().optional(),
  })
  .passthrough();

export type GrafanaHealth = z.infer<typeof healthSchema>;

/** Grafana's health API. */
export interface GrafanaClient {
  readonly requestCount: number;
  /** `GET /api/health`: the HTTP status (200 or 503) and the document. */
  health(): Promise<{ httpStatus: number; health: GrafanaHealth }>;
}

export class FetchGrafanaClient implements GrafanaClient {
  constructor(private readonly http: UpstreamHttp) {}

  get requestCount() {
    return this.http.requestCount;
  }

  async health() {
    const answer = await this.http.getWithStatus('/api/health', healthSchema, [
      503,
    ]);
    return { httpStatus: answer.status, health: answer.body };
  }
}
