import { z } from 'zod';
import { UpstreamHttp } from './httpJson';

// Kibana 8 `GET /api/status`: `status.overall.level` (available, degraded,
// unavailable, critical) and `summary`; Kibana 7 (`?v7format`) had `overall.state`
// (green, yellow, red). It answers 503 with the same document when unavailable.
const overallSchema = z
  .object({
    level: z.string().optional(),
    summary: z.string().optional(),
    state: z.string().optional(),
    title: z.string().optional(),
  })
  .passthrough();

const statusSchema = z
  .object({
    name: z.string().optional(),
    version: z
      .object({ number: z.string().optional() })
      .passthrough()
      .optional(),
    status: z.object({ overall: overallSchema }).passthrough(),
  })
  .passthrough();

export type KibanaStatus = z.infer<typeof statusSchema>;

/** Kibana's status API. */
export interface KibanaClient {
  readonly requestCount: number;
  /** `GET /api/status`: the HTTP status (200 or 503) and the document. */
  status(): Promise<{ httpStatus: number; status: KibanaStatus }>;
}

export class FetchKibanaClient implements KibanaClient {
  constructor(private readonly http: UpstreamHttp) {}

  get requestCount() {
    return this.http.requestCount;
  }

  async status() {
    const answer = await this.http.getWithStatus('/api/status', statusSchema, [
      503,
    ]);
    return { httpStatus: answer.status, status: answer.body };
  }
}
