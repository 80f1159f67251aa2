/**
 * A small evaluator of the Elasticsearch query DSL and aggregations, enough for the
 * searches the portal sends (bool/term/terms/match/range/exists/query_string/wildcard/
 * prefix; terms,
 * max/min/avg/sum, value_count, cardinality, date_histogram, filter, top_hits).
 */

export type Doc = Record<string, unknown> & {
  _index: string;
  _id: string;
  /** How many documents this one stands for (doc_count, hits.total). */
  _w?: number;
  /** Internal: generation time, not returned. */
  _t?: number;
};

export class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(reason);
  }

  body() {
    const cause = { type: this.type, reason: this.reason, ...this.extra };
    return { error: { root_cause: [cause], ...cause }, status: this.status };
  }
}

/** Value(s) of a field by dotted path: nested objects or literal dotted keys. */
export function getField(doc: Record<string, unknown>, path: string): unknown {
  const p = path.replace(/\.keyword$/, '');
  if (p in doc) return doc[p];
  const parts = p.split('.');
  let current: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    const obj = current as Record<string, unknown>;
    const rest = parts.slice(i).join('.');
    if (rest in obj && i > 0) return obj[rest];
    current = obj[parts[i]];
  }
  return current;
}

function values(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

const isDateField = (field: string) =>
  /timestamp|time|date|Millis/i.test(field);

function toMs(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return Number(v);
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  M: 2_592_000_000,
  y: 31_536_000_000,
};

/** `now`, `now-15m`, `now-1d/d`, ISO text or epoch millis. */
export function dateMath(v: unknown, nowMs: number): number | undefined {
  if (typeof v === 'string' && v.startsWith('now')) {
    let t = nowMs;
    const rest = v.slice(3).replace(/\/[smhdwMy]$/, '');
    for (const m of rest.matchAll(/([+-])(\d+)([smhdwMy])/g)) {
      t += (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNIT_MS[m[3]];
    }
    return t;
  }
  return toMs(v);
}

function compare(
  a: unknown,
  b: unknown,
  field: string,
  nowMs: number,
): number | undefined {
  if (isDateField(field) || typeof a === 'number') {
    const x = typeof a === 'number' ? a : toMs(a);
    const y = isDateField(field) ? dateMath(b, nowMs) : Number(b);
    if (x === undefined || y === undefined || Number.isNaN(y)) return undefined;
    return x - y;
  }
  return String(a).localeCompare(String(b));
}

const eq = (a: unknown, b: unknown) => String(a) === String(b);

const TERM_SETS = new WeakMap<unknown[], Set<string>>();

function termSet(list: unknown[]): Set<string> {
  let set = TERM_SETS.get(list);
  if (!set) {
    set = new Set(list.map(String));
    TERM_SETS.set(list, set);
  }
  return set;
}

/** ES `filter_path`: keeps only the listed dotted paths (`*` matches any key). */
export function filterPath(value: unknown, paths: string[][]): unknown {
  if (paths.length === 0) return value;
  if (Array.isArray(value)) return value.map(v => filterPath(v, paths));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const rest = paths
      .filter(p => p[0] === key || p[0] === '*')
      .map(p => p.slice(1));
    if (rest.length === 0) continue;
    if (rest.some(p => p.length === 0)) out[key] = child;
    else {
      const kept = filterPath(child, rest);
      if (
        kept !== null &&
        typeof kept === 'object' &&
        Object.keys(kept).length === 0
      )
        continue;
      out[key] = kept;
    }
  }
  return out;
}

function fieldSpec(clause: Record<string, unknown>): [string, unknown] {
  const entries = Object.entries(clause).filter(
    ([k]) => k !== 'boost' && k !== '_name',
  );
  if (entries.length !== 1)
    throw new EsError(
      400,
      'parsing_exception',
      'query does not support multiple fields',
    );
  return entries[0] as [string, unknown];
}

/** Whether a document matches a query clause. */
export function matchQuery(doc: Doc, query: unknown, nowMs: number): boolean {
  if (query === undefined || query === null) return true;
  if (typeof query !== 'object')
    throw new EsError(
      400,
      'parsing_exception',
      'query malformed, no start_object after query name',
    );
  const [type, body] = Object.entries(query as Record<string, any>)[0] ?? [
    'match_all',
    {},
  ];
  switch (type) {
    case 'match_all':
      return true;
    case 'match_none':
      return false;
    case 'bool': {
      const list = (v: unknown) => values(v);
      const must = [...list(body.must), ...list(body.filter)];
      const should = list(body.should);
      const mustNot = list(body.must_not);
      if (!must.every(q => matchQuery(doc, q, nowMs))) return false;
      if (mustNot.some(q => matchQuery(doc, q, nowMs))) return false;
      if (should.length > 0) {
        const min = body.minimum_should_match ?? (must.length > 0 ? 0 : 1);
        const hits = should.filter(q => matchQuery(doc, q, nowMs)).length;
        if (hits < Number(min)) return false;
      }
      return true;
    }
    case 'term': {
      const [field, spec] = fieldSpec(body);
      const value =
        typeof spec === 'object' && spec !== null ? (spec as any).value : spec;
      return values(getField(doc, field)).some(v => eq(v, value));
    }
    case 'terms': {
      const [field, list] = fieldSpec(body);
      if (Array.isArray(list)) {
        const wanted = termSet(list);
        return values(getField(doc, field)).some(v => wanted.has(String(v)));
      }
      if (!Array.isArray(list))
        throw new EsError(
          400,
          'parsing_exception',
          `[terms] query does not support [${field}]`,
        );
      return values(getField(doc, field)).some(v => list.some(x => eq(v, x)));
    }
    case 'match':
    case 'match_phrase': {
      const [field, spec] = fieldSpec(body);
      const value = String(
        typeof spec === 'object' && spec !== null ? (spec as any).query : spec,
      ).toLowerCase();
      return values(getField(doc, field)).some(v => {
        const text = String(v).toLowerCase();
        return type === 'match_phrase'
          ? text.includes(value)
          : value.split(/\s+/).some(w => text.includes(w));
      });
    }
    case 'range': {
      const [field, spec] = fieldSpec(body) as [
        string,
        Record<string, unknown>,
      ];
      return values(getField(doc, field)).some(v => {
        const checks: Array<[string, (c: number) => boolean]> = [
          ['gte', c => c >= 0],
          ['gt', c => c > 0],
          ['lte', c => c <= 0],
          ['lt', c => c < 0],
        ];
        return checks.every(([op, ok]) => {
          if (spec[op] === undefined || spec[op] === null) return true;
          const c = compare(v, spec[op], field, nowMs);
          return c !== undefined && ok(c);
        });
      });
    }
    case 'wildcard':
    case 'prefix': {
      // e.g. `{ wildcard: { _index: { value: "logs-dev-01-*" } } }`
      const [field, spec] = fieldSpec(body);
      const text = String(
        typeof spec === 'object' && spec !== null
          ? (spec as any).value ?? (spec as any).wildcard
          : spec,
      );
      const re =
        type === 'prefix'
          ? new RegExp(`^${text.replace(/[.+?^${}()|[\]\\*]/g, '\\$&')}`)
          : new RegExp(
              `^${text
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '.*')
                .replace(/\?/g, '.')}$`,
            );
      return values(getField(doc, field)).some(v => re.test(String(v)));
    }
    case 'exists':
      return values(getField(doc, body.field)).length > 0;
    case 'ids':
      return (body.values ?? []).includes(doc._id);
    case 'query_string':
    case 'simple_query_string': {
      const text = String(body.query ?? '*');
      if (text === '*' || text === '') return true;
      // field:value pairs (AND-ed), or free text on message
      return text.split(/\s+AND\s+/i).every(part => {
        const m = /^([\w.@]+):"?([^"]*)"?$/.exec(part.trim());
        if (m)
          return values(getField(doc, m[1])).some(v =>
            String(v).toLowerCase().includes(m[2].toLowerCase()),
          );
        return String(getField(doc, 'message') ?? '')
          .toLowerCase()
          .includes(part.trim().toLowerCase());
      });
    }
    default:
      throw new EsError(400, 'parsing_exception', `unknown query [${type}]`, {
        line: 1,
        col: 1,
      });
  }
}

const weight = (d: Doc) => d._w ?? 1;
const docCount = (docs: Doc[]) => docs.reduce((n, d) => n + weight(d), 0);

function numeric(doc: Doc, field: string): number[] {
  return values(getField(doc, field))
    .map(v => {
      if (typeof v === 'number') return v;
      return isDateField(field) ? toMs(v) : Number(v);
    })
    .filter((v): v is number => v !== undefined && !Number.isNaN(v));
}

function metric(docs: Doc[], field: string, op: 'max' | 'min' | 'avg' | 'sum') {
  const all = docs.flatMap(d => numeric(d, field));
  let value: number | null = null;
  if (all.length > 0) {
    if (op === 'max') value = Math.max(...all);
    else if (op === 'min') value = Math.min(...all);
    else if (op === 'sum') value = all.reduce((a, b) => a + b, 0);
    else value = all.reduce((a, b) => a + b, 0) / all.length;
  } else if (op === 'sum') value = 0;
  const out: Record<string, unknown> = { value };
  if (value !== null && isDateField(field) && (op === 'max' || op === 'min')) {
    out.value_as_string = new Date(value).toISOString();
  }
  return out;
}

const INTERVALS: Record<string, number> = {
  ...UNIT_MS,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

function intervalMs(spec: Record<string, any>): number {
  const text = String(
    spec.fixed_interval ?? spec.calendar_interval ?? spec.interval ?? '1h',
  );
  if (INTERVALS[text]) return INTERVALS[text];
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m)
    throw new EsError(
      400,
      'illegal_argument_exception',
      `failed to parse setting [date_histogram.fixedInterval] with value [${text}] as a time value`,
    );
  return m[2] === 'ms' ? Number(m[1]) : Number(m[1]) * UNIT_MS[m[2]];
}

export function sortDocs(docs: Doc[], sort: unknown): Doc[] {
  let list: unknown[] = [{ '@timestamp': 'desc' }];
  if (Array.isArray(sort)) list = sort;
  else if (sort) list = [sort];
  const specs = list.map(s => {
    if (typeof s === 'string') return { field: s, desc: s === '_score' };
    const [field, spec] = Object.entries(s as Record<string, any>)[0];
    const order = typeof spec === 'string' ? spec : spec?.order ?? 'asc';
    return { field, desc: order === 'desc' };
  });
  return [...docs].sort((a, b) => {
    for (const { field, desc } of specs) {
      if (field === '_score' || field === '_doc') continue;
      const x = numeric(a, field)[0] ?? String(getField(a, field) ?? '');
      const y = numeric(b, field)[0] ?? String(getField(b, field) ?? '');
      if (x < y) return desc ? 1 : -1;
      if (x > y) return desc ? -1 : 1;
    }
    return 0;
  });
}

export function renderHit(doc: Doc, source: unknown, sortSpec: unknown) {
  const { _index, _id, _w, _t, ...rest } = doc;
  let body: Record<string, unknown> | undefined = rest;
  if (source === false) body = undefined;
  else if (Array.isArray(source) || typeof source === 'string') {
    const fields = Array.isArray(source) ? source : [source];
    body = {};
    for (const f of fields) {
      const v = getField(rest, f);
      if (v !== undefined) setPath(body, f, v);
    }
  }
  const hit: Record<string, unknown> = { _index, _id, _score: null };
  if (body) hit._source = body;
  if (sortSpec) {
    const specs = Array.isArray(sortSpec) ? sortSpec : [sortSpec];
    hit.sort = specs.map(s => {
      const field = typeof s === 'string' ? s : Object.keys(s)[0];
      return numeric(doc, field)[0] ?? getField(doc, field) ?? null;
    });
  }
  return hit;
}

function setPath(
  target: Record<string, unknown>,
  path: string,
  value: unknown,
) {
  const parts = path.split('.');
  let current = target;
  for (const part of parts.slice(0, -1)) {
    current[part] = (current[part] as Record<string, unknown>) ?? {};
    current = current[part] as Record<string, unknown>;
  }
  current[parts[parts.length - 1]] = value;
}

/** Evaluates an `aggs` object over documents. */
export function aggregate(
  docs: Doc[],
  aggs: Record<string, any> | undefined,
  nowMs: number,
): Record<string, unknown> | undefined {
  if (!aggs) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(aggs)) {
    const sub = spec.aggs ?? spec.aggregations;
    const type = Object.keys(spec).find(
      k => k !== 'aggs' && k !== 'aggregations' && k !== 'meta',
    );
    const body = type ? spec[type] : undefined;
    switch (type) {
      case 'terms': {
        const groups = new Map<string, { key: unknown; docs: Doc[] }>();
        for (const doc of docs) {
          for (const v of values(getField(doc, body.field))) {
            const key = String(v);
            const g = groups.get(key) ?? { key: v, docs: [] };
            g.docs.push(doc);
            groups.set(key, g);
          }
        }
        let list = [...groups.values()];
        if (Array.isArray(body.include))
          list = list.filter(g =>
            body.include.map(String).includes(String(g.key)),
          );
        else if (typeof body.include === 'string')
          list = list.filter(g =>
            new RegExp(`^(?:${body.include})$`).test(String(g.key)),
          );
        if (Array.isArray(body.exclude))
          list = list.filter(
            g => !body.exclude.map(String).includes(String(g.key)),
          );
        const counts = new Map(list.map(g => [g, docCount(g.docs)]));
        const countOf = (g: { docs: Doc[] }) => counts.get(g as any) ?? 0;
        const minDocs = body.min_doc_count ?? 1;
        list = list.filter(g => countOf(g) >= minDocs);
        const order = body.order && Object.entries(body.order)[0];
        list.sort((a, b) => {
          if (order && order[0] === '_key')
            return (
              (order[1] === 'desc' ? -1 : 1) *
              String(a.key).localeCompare(String(b.key))
            );
          const d = countOf(b) - countOf(a);
          if (d === 0) return String(a.key).localeCompare(String(b.key));
          return order && order[1] === 'asc' ? -d : d;
        });
        const size = body.size ?? 10;
        const shown = list.slice(0, size);
        out[name] = {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: list
            .slice(size)
            .reduce((n, g) => n + countOf(g), 0),
          buckets: shown.map(g => ({
            key: g.key,
            doc_count: countOf(g),
            ...aggregate(g.docs, sub, nowMs),
          })),
        };
        break;
      }
      case 'max':
      case 'min':
      case 'avg':
      case 'sum':
        out[name] = metric(docs, body.field, type);
        break;
      case 'value_count':
        out[name] = {
          value: docs.reduce(
            (n, d) =>
              n + (values(getField(d, body.field)).length ? weight(d) : 0),
            0,
          ),
        };
        break;
      case 'cardinality':
        out[name] = {
          value: new Set(
            docs.flatMap(d => values(getField(d, body.field)).map(String)),
          ).size,
        };
        break;
      case 'filter':
        out[name] = {
          doc_count: docCount(docs.filter(d => matchQuery(d, body, nowMs))),
          ...aggregate(
            docs.filter(d => matchQuery(d, body, nowMs)),
            sub,
            nowMs,
          ),
        };
        break;
      case 'date_histogram': {
        const step = intervalMs(body);
        const buckets = new Map<number, Doc[]>();
        for (const doc of docs) {
          for (const t of numeric(doc, body.field)) {
            const key = Math.floor(t / step) * step;
            buckets.set(key, [...(buckets.get(key) ?? []), doc]);
          }
        }
        const bounds = body.extended_bounds;
        if ((body.min_doc_count ?? 1) === 0) {
          const keys = [...buckets.keys()];
          const lo = bounds ? dateMath(bounds.min, nowMs) : Math.min(...keys);
          const hi = bounds ? dateMath(bounds.max, nowMs) : Math.max(...keys);
          if (
            lo !== undefined &&
            hi !== undefined &&
            Number.isFinite(lo) &&
            Number.isFinite(hi) &&
            (hi - lo) / step < 5000
          ) {
            for (let k = Math.floor(lo / step) * step; k <= hi; k += step)
              if (!buckets.has(k)) buckets.set(k, []);
          }
        }
        out[name] = {
          buckets: [...buckets.entries()]
            .sort((a, b) => a[0] - b[0])
            .filter(
              ([, d]) =>
                (body.min_doc_count ?? 1) === 0 ||
                docCount(d) >= (body.min_doc_count ?? 1),
            )
            .map(([key, d]) => ({
              key_as_string: new Date(key).toISOString(),
              key,
              doc_count: docCount(d),
              ...aggregate(d, sub, nowMs),
            })),
        };
        break;
      }
      case 'top_hits': {
        const sorted = sortDocs(docs, body.sort);
        out[name] = {
          hits: {
            total: { value: docCount(docs), relation: 'eq' },
            max_score: null,
            hits: sorted
              .slice(body.from ?? 0, (body.from ?? 0) + (body.size ?? 3))
              .map(d => renderHit(d, body._source, body.sort)),
          },
        };
        break;
      }
      default:
        throw new EsError(
          400,
          'parsing_exception',
          `Unknown aggregation type [${type}] did you mean [terms]?`,
        );
    }
  }
  return out;
}

/** A `_search` over documents. */
export function search(
  docs: Doc[],
  body: Record<string, any>,
  nowMs: number,
  shards: number,
) {
  const started = Date.now();
  const hits = docs.filter(d => matchQuery(d, body.query, nowMs));
  const size = body.size ?? 10;
  const from = body.from ?? 0;
  const sorted = size > 0 ? sortDocs(hits, body.sort) : [];
  const total = docCount(hits);
  const track = body.track_total_hits;
  const hitsOut: Record<string, unknown> = {
    max_score: null,
    hits: sorted
      .slice(from, from + size)
      .map(d => renderHit(d, body._source, body.sort)),
  };
  if (track !== false) {
    let cap = 10000;
    if (track === true) cap = Infinity;
    else if (typeof track === 'number') cap = track;
    hitsOut.total =
      total > cap
        ? { value: cap, relation: 'gte' }
        : { value: total, relation: 'eq' };
  }
  const response: Record<string, unknown> = {
    took: Math.max(1, Date.now() - started),
    timed_out: false,
    _shards: { total: shards, successful: shards, skipped: 0, failed: 0 },
    hits: hitsOut,
  };
  const aggregations = aggregate(hits, body.aggs ?? body.aggregations, nowMs);
  if (aggregations) response.aggregations = aggregations;
  return response;
}
