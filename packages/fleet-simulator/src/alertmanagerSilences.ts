import { randomUUID } from 'node:crypto';

/** A label matcher as the Alertmanager v2 API carries it. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  updatedAt: string;
}

/** An Alertmanager v2 error: a JSON string (400/404/500) or `{code, message}` (422). */
export class AlertmanagerError extends Error {
  constructor(readonly status: number, readonly payload: unknown) {
    super(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function anchored(value: string): RegExp {
  return new RegExp(`^(?:${value})$`);
}

/** Whether one matcher matches a label value (absent labels are ""). */
export function matcherMatches(m: SilenceMatcher, value: string): boolean {
  const hit = m.isRegex ? anchored(m.value).test(value) : value === m.value;
  return hit === m.isEqual;
}

export function silenceMatches(
  silence: Pick<Silence, 'matchers'>,
  labels: Record<string, string>,
): boolean {
  return silence.matchers.every(m => matcherMatches(m, labels[m.name] ?? ''));
}

function required(body: Record<string, unknown>, field: string) {
  if (body[field] === undefined || body[field] === null) {
    // go-swagger's answer for a missing required property.
    throw new AlertmanagerError(422, {
      code: 602,
      message: `${field} in body is required`,
    });
  }
}

function invalid(reason: string): never {
  throw new AlertmanagerError(400, `invalid silence: ${reason}`);
}

function parseMatcher(input: unknown, i: number): SilenceMatcher {
  const m = (input ?? {}) as Record<string, unknown>;
  if (
    typeof m.name !== 'string' ||
    typeof m.value !== 'string' ||
    typeof m.isRegex !== 'boolean' ||
    (m.isEqual !== undefined && typeof m.isEqual !== 'boolean')
  ) {
    throw new AlertmanagerError(422, {
      code: 602,
      message: `matchers.${i} must have name, value and isRegex`,
    });
  }
  if (!LABEL_NAME.test(m.name)) {
    invalid(`invalid label matcher ${i}: invalid label name "${m.name}"`);
  }
  if (m.isRegex) {
    try {
      anchored(m.value);
    } catch (error) {
      invalid(
        `invalid label matcher ${i}: invalid regular expression "${m.value}"`,
      );
    }
  }
  return {
    name: m.name,
    value: m.value,
    isRegex: m.isRegex,
    isEqual: m.isEqual !== false,
  };
}

/** The silences of one Alertmanager, validated and answered as Alertmanager does. */
export class SilenceStore {
  private readonly silences = new Map<string, Silence>();

  constructor(private readonly now: () => number) {}

  stateOf(s: Silence): 'active' | 'pending' | 'expired' {
    const t = this.now();
    if (Date.parse(s.endsAt) <= t) return 'expired';
    return Date.parse(s.startsAt) > t ? 'pending' : 'active';
  }

  /** `gettableSilence`. */
  toWire(s: Silence) {
    return { ...s, status: { state: this.stateOf(s) } };
  }

  /** Ids of the active silences that match a label set. */
  silencing(labels: Record<string, string>): string[] {
    return [...this.silences.values()]
      .filter(s => this.stateOf(s) === 'active' && silenceMatches(s, labels))
      .map(s => s.id);
  }

  /** `GET /api/v2/silences`: `filter` matches the silences' equality matchers as labels. */
  list(filter: (labels: Record<string, string>) => boolean) {
    return [...this.silences.values()]
      .filter(s =>
        filter(Object.fromEntries(s.matchers.map(m => [m.name, m.value]))),
      )
      .map(s => this.toWire(s));
  }

  get(id: string) {
    const found = this.silences.get(id);
    if (!found) throw new AlertmanagerError(404, `silence ${id} not found`);
    return this.toWire(found);
  }

  /** `POST /api/v2/silences`: a new silence, or (with `id`) a replaced one. */
  upsert(input: unknown): { silenceID: string } {
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      throw new AlertmanagerError(400, 'parsing silence body from "" failed');
    }
    const body = input as Record<string, unknown>;
    for (const f of ['matchers', 'startsAt', 'endsAt', 'createdBy', 'comment'])
      required(body, f);
    if (!Array.isArray(body.matchers)) invalid('matchers must be a list');
    const matchers = (body.matchers as unknown[]).map(parseMatcher);
    if (matchers.length === 0) invalid('at least one matcher required');
    if (matchers.every(m => matcherMatches(m, ''))) {
      invalid('at least one matcher must not match the empty string');
    }
    const startsAt = Date.parse(String(body.startsAt));
    const endsAt = Date.parse(String(body.endsAt));
    if (Number.isNaN(startsAt) || Number.isNaN(endsAt)) {
      throw new AlertmanagerError(422, {
        code: 601,
        message: 'startsAt and endsAt must be of type date-time',
      });
    }
    if (!(startsAt < endsAt)) {
      throw new AlertmanagerError(
        400,
        'Failed to create silence: start time must be before end time',
      );
    }
    if (endsAt < this.now()) {
      throw new AlertmanagerError(
        400,
        "Failed to create silence: end time can't be in the past",
      );
    }
    const id = body.id === undefined ? randomUUID() : String(body.id);
    if (body.id !== undefined && !this.silences.has(id)) {
      throw new AlertmanagerError(404, 'silence not found');
    }
    const t = this.now();
    this.silences.set(id, {
      id,
      matchers,
      // Alertmanager starts silences "now" at the latest.
      startsAt: new Date(Math.max(startsAt, t)).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      createdBy: String(body.createdBy),
      comment: String(body.comment),
      updatedAt: new Date(t).toISOString(),
    });
    return { silenceID: id };
  }

  /** `DELETE /api/v2/silence/<id>`: ends it now. */
  expire(id: string): void {
    const found = this.silences.get(id);
    if (!found) throw new AlertmanagerError(404, `silence ${id} not found`);
    if (this.stateOf(found) === 'expired') {
      throw new AlertmanagerError(500, `silence ${id} already expired`);
    }
    const t = new Date(this.now()).toISOString();
    found.endsAt = t;
    found.updatedAt = t;
    if (Date.parse(found.startsAt) > this.now()) found.startsAt = t;
  }
}
