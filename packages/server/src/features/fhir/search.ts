/**
 * FHIR search parameters, read from the query string: the common ones (`_count`, `_offset` for paging,
 * `_include`, `_total`, `_format`) here, each resource's own through a `SearchParams` it asks by name. A value
 * that cannot be read is a 400 OperationOutcome naming the parameter. Unknown parameters are ignored, as FHIR
 * asks by default, and left out of the Bundle's self link so the client can see what was used; with
 * `Prefer: handling=strict` they are refused instead.
 */
import { MAX_OFFSET, addDays, londonDayStartEpochMilliseconds, parsePlainDate } from '@pathflow/core';
import { fhirInvalid } from './outcome';

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 500;

/** Parameters every search takes, whatever the resource. */
export const COMMON_PARAMS = ['_count', '_offset', '_include', '_total', '_format'] as const;

export type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb';

export interface DateBound {
  prefix: DatePrefix;
  /** The instant the value starts at (a date means its first moment in UTC, or London: see `dateRange`). */
  value: string;
}

export interface TokenValue {
  /** Undefined: any system; '' (the value was `|code`): no system. */
  system: string | undefined;
  code: string;
}

export type RawQuery = Record<string, string | string[] | undefined>;

export class SearchParams {
  readonly count: number;
  readonly offset: number;
  readonly includes: string[];
  /** `_total=accurate` asks for the total even when it costs a count. */
  readonly wantsTotal: boolean;
  /** The parameters that were read, with their values, for the self and paging links. */
  readonly used = new Map<string, string[]>();
  private readonly raw: RawQuery;

  constructor(raw: RawQuery, known: readonly string[], strict: boolean) {
    this.raw = raw;
    for (const name of Object.keys(raw)) {
      const base = name.split(':')[0]!;
      if (!known.includes(base) && !(COMMON_PARAMS as readonly string[]).includes(base)) {
        if (strict)
          throw fhirInvalid(name, `The search parameter "${name}" is not supported`, 'not-supported');
      }
    }
    this.count = this.integer('_count', DEFAULT_COUNT, 0, MAX_COUNT);
    this.offset = this.integer('_offset', 0, 0, MAX_OFFSET);
    this.includes = this.all('_include');
    const total = this.one('_total');
    if (total !== undefined && !['none', 'estimate', 'accurate'].includes(total)) {
      throw fhirInvalid('_total', '_total must be none, estimate or accurate');
    }
    this.wantsTotal = total === 'accurate';
    const format = this.one('_format');
    if (format !== undefined && !/^(json|application\/(fhir\+)?json)$/.test(format)) {
      throw fhirInvalid(
        '_format',
        'Only JSON is served: _format must be json or application/fhir+json',
        'not-supported',
      );
    }
  }

  /** Every value given for a parameter (repeated, or comma-separated lists are left to the caller). */
  all(name: string): string[] {
    const v = this.raw[name];
    const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
    if (list.length > 0) this.used.set(name, list);
    return list;
  }

  /** The parameter's one value; given twice it is refused. */
  one(name: string): string | undefined {
    const list = this.all(name);
    if (list.length > 1) throw fhirInvalid(name, `${name} may be given only once`);
    const value = list[0];
    if (value !== undefined && value.trim() === '') throw fhirInvalid(name, `${name} has no value`);
    return value;
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  private integer(name: string, fallback: number, min: number, max: number): number {
    const v = this.one(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      throw fhirInvalid(name, `${name} must be a whole number from ${min} to ${max}`);
    }
    return Number(v);
  }

  /** A token parameter's values: `system|code`, `|code` or `code`; comma-separated values mean any of them. */
  tokens(name: string): TokenValue[] {
    return this.all(name).flatMap((v) =>
      v.split(',').map((part) => {
        const bar = part.indexOf('|');
        const token =
          bar < 0
            ? { system: undefined, code: part }
            : { system: part.slice(0, bar), code: part.slice(bar + 1) };
        if (token.code === '') throw fhirInvalid(name, `${name} needs a code after the "|"`);
        return token;
      }),
    );
  }

  /** A date parameter's bounds (each value may repeat, e.g. `start=ge2026-12-01&start=lt2026-12-08`). */
  dates(name: string): DateBound[] {
    return this.all(name).map((v) => parseDateBound(name, v));
  }

  /** A reference parameter's ids: `Type/id`, a full URL ending in it, or a bare id. */
  references(name: string, type: string): string[] {
    return this.all(name).flatMap((v) =>
      v.split(',').map((part) => {
        const m = new RegExp(`^(?:.*/)?(?:${type}/)?([A-Za-z0-9\\-.]{1,64})$`).exec(part);
        if (!m || (part.includes('/') && !part.includes(`${type}/`))) {
          throw fhirInvalid(name, `${name} must reference a ${type} (${type}/<id>)`);
        }
        return m[1]!;
      }),
    );
  }
}

const DATE =
  /^(eq|ne|gt|lt|ge|le|sa|eb)?(\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?)?)?)$/;

/** The value's calendar part names a day that exists (no 30 February, no month 13), and any time is real. */
function isRealDate(value: string): boolean {
  const [y, mo = '01', d = '01'] = value.slice(0, 10).split('-');
  const date = `${y}-${mo}-${d}`;
  const t = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) return false;
  return value.length <= 10 || !Number.isNaN(Date.parse(value));
}

export function parseDateBound(name: string, raw: string): DateBound {
  const m = DATE.exec(raw);
  if (!m) {
    throw fhirInvalid(
      name,
      `${name} must be a date or date-time with an optional prefix (eq, ge, gt, le, lt), e.g. ge2026-12-01 or lt2026-12-01T12:00:00Z`,
    );
  }
  const value = m[2]!;
  if (!isRealDate(value)) throw fhirInvalid(name, `${name} is not a real date: ${value}`);
  return { prefix: (m[1] ?? 'eq') as DatePrefix, value };
}

/** `_include` values this resource offers; any other is refused (silently leaving it out would mislead). */
export function checkIncludes(params: SearchParams, offered: readonly string[]): string[] {
  for (const inc of params.includes) {
    if (!offered.includes(inc)) {
      throw fhirInvalid(
        '_include',
        offered.length === 0
          ? `_include is not supported here`
          : `_include=${inc} is not supported here: use ${offered.join(' or ')}`,
        'not-supported',
      );
    }
  }
  return params.includes;
}

/**
 * The instants a date value covers, [from, to): a year, month or day in Europe/London (a date without a zone is
 * the trust's local time), or a date-time to the millisecond.
 */
export function periodOf(value: string): { from: number; to: number } {
  const known = periods.get(value);
  if (known) return known;
  const period = computePeriod(value);
  if (periods.size >= PERIODS_MAX) periods.clear();
  periods.set(value, period);
  return period;
}

/**
 * Periods by value: a search's dates repeat from request to request (this week, today), and the London
 * time-zone arithmetic is the dearest part of reading them. Bounded, emptied when full.
 */
const periods = new Map<string, { from: number; to: number }>();
const PERIODS_MAX = 10_000;

function computePeriod(value: string): { from: number; to: number } {
  if (value.length > 10) {
    const t = Date.parse(value);
    return { from: t, to: t + 1 };
  }
  const day = londonDayStartEpochMilliseconds;
  const [y, m] = value.split('-').map(Number) as [number, number?];
  if (m === undefined) return { from: day(`${y}-01-01`), to: day(`${y + 1}-01-01`) };
  if (value.length === 7) {
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    return { from: day(`${value}-01`), to: day(next) };
  }
  return { from: day(value), to: day(addDays(parsePlainDate(value), 1).toString()) };
}

/**
 * Date bounds on one instant-valued element, as one half-open interval [from, to) in epoch milliseconds
 * (either end may be open). `ne` cannot be one interval and is refused.
 */
export function instantRange(name: string, bounds: readonly DateBound[]): { from?: number; to?: number } {
  let from: number | undefined;
  let to: number | undefined;
  const atLeast = (t: number) => (from = from === undefined ? t : Math.max(from, t));
  const before = (t: number) => (to = to === undefined ? t : Math.min(to, t));
  for (const b of bounds) {
    const p = periodOf(b.value);
    switch (b.prefix) {
      case 'eq':
        atLeast(p.from);
        before(p.to);
        break;
      case 'ge':
        atLeast(p.from);
        break;
      case 'gt':
      case 'sa':
        atLeast(p.to);
        break;
      case 'lt':
      case 'eb':
        before(p.from);
        break;
      case 'le':
        before(p.to);
        break;
      case 'ne':
        throw fhirInvalid(name, `${name} does not take the ne prefix here`, 'not-supported');
    }
  }
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/** The common parameters, as the CapabilityStatement lists them. */
export const COMMON_PARAMS_DOCUMENTED: {
  name: string;
  type: 'number' | 'token' | 'string';
  documentation: string;
}[] = [
  {
    name: '_count',
    type: 'number',
    documentation: `Matches per page, 0 to ${MAX_COUNT} (default ${DEFAULT_COUNT})`,
  },
  { name: '_offset', type: 'number', documentation: 'Matches to skip: the next and previous links set it' },
  {
    name: '_total',
    type: 'token',
    documentation: 'accurate: count every match (otherwise the total is given when the last page is reached)',
  },
];
