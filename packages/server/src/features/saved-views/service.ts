/**
 * Saved views of the PTL: each member of staff (or machine client) keeps their own, a name and the query string
 * of `GET /api/v1/ptl` it stands for. The query is checked against the PTL's own filter schema and stored in one
 * canonical form, so a saved view always opens. Views hold no patient data, so they are not audited.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  PTL_SORTS,
  PTL_STATUSES,
  RTT_PRIORITIES,
  epochDayToIso,
  isoToEpochDay,
  type NewSavedView,
  type PtlViewQuery,
  type SavedView,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { savedViews } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid } from '../../errors';
import { PtlViewQuerySchema, filterProperties } from '../ptl/schemas';
import { checkFilter } from '../ptl/service';

export const SAVED_VIEW_NAME_MAX = 60;
/** A user's views, at most (a list to choose from, not a store). */
export const SAVED_VIEWS_MAX = 100;

// The formats the PTL's filters use, as Fastify's validator reads them (TypeBox checks only registered formats).
if (!FormatRegistry.Has('date')) {
  FormatRegistry.Set('date', (v) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
    try {
      return epochDayToIso(isoToEpochDay(v)) === v;
    } catch {
      return false;
    }
  });
}
if (!FormatRegistry.Has('uuid')) {
  FormatRegistry.Set('uuid', (v) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  );
}

const QUERY_FIELD = '/body/query';

/** What each filter must be, for the error message. */
const RULES: Record<keyof typeof filterProperties, string> = {
  specialty: 'must be a treatment function code of 1 to 10 characters',
  clinicianId: 'must be a clinician id (a UUID)',
  priority: `must be one of ${RTT_PRIORITIES.join(', ')}`,
  minWeeks: 'must be a whole number of weeks from 0 to 520',
  maxWeeks: 'must be a whole number of weeks from 0 to 520',
  breachBy: 'must be a real date written YYYY-MM-DD',
  status: `must be one of ${PTL_STATUSES.join(', ')}`,
  validationDue: 'must be true or false',
  sort: `must be one of ${PTL_SORTS.join(', ')}`,
};
const KEYS = Object.keys(filterProperties) as (keyof typeof filterProperties)[];

/**
 * The PTL filters of a query string, checked as `GET /api/v1/ptl` checks them (without limit and offset), in
 * one canonical form: the parameters in a fixed order, each once. A 400 naming `/body/query` and the parameter.
 */
export function canonicalViewQuery(text: string): string {
  const search = new URLSearchParams(text.startsWith('?') ? text.slice(1) : text);
  const raw: Record<string, string> = {};
  for (const [key, value] of search) {
    if (key in raw) throw invalid(QUERY_FIELD, `The query gives ${key} more than once`);
    raw[key] = value;
  }
  for (const key of Object.keys(raw)) {
    if (!(KEYS as string[]).includes(key)) {
      throw invalid(
        QUERY_FIELD,
        `The query has ${key}, which is not a PTL filter (use ${KEYS.join(', ')}; a view has no limit or offset)`,
      );
    }
  }
  const converted: unknown = Value.Default(PtlViewQuerySchema, Value.Convert(PtlViewQuerySchema, { ...raw }));
  const error = Value.Errors(PtlViewQuerySchema, converted).First();
  if (error) {
    const key = error.path.replace(/^\//, '').split('/')[0] ?? '';
    const rule = RULES[key as keyof typeof RULES] ?? error.message.toLowerCase();
    throw invalid(QUERY_FIELD, `The query's ${key || 'filters'} ${rule}`);
  }
  const query = converted as PtlViewQuery;
  try {
    checkFilter(query);
  } catch (err) {
    if (err instanceof AppError) throw invalid(QUERY_FIELD, err.message);
    throw err;
  }
  const out = new URLSearchParams();
  for (const key of KEYS) {
    const value = query[key];
    if (value !== undefined) out.set(key, String(value));
  }
  return out.toString();
}

type Row = typeof savedViews.$inferSelect;

const toView = (r: Row): SavedView => ({
  id: r.id,
  name: r.name,
  query: r.query,
  createdAt: r.createdAt.toISOString(),
});

/** The signed-in user's own views, by name. */
export async function listSavedViews(db: Database, ctx: RequestContext): Promise<SavedView[]> {
  const rows = await db
    .select()
    .from(savedViews)
    .where(and(eq(savedViews.orgId, ctx.principal.orgId), eq(savedViews.userId, ctx.principal.id)))
    .orderBy(asc(savedViews.name), asc(savedViews.id));
  return rows.map(toView);
}

/** Saves a view for the signed-in user: 400 for a bad name or query, 409 when they have one of that name. */
export async function createSavedView(
  db: Database,
  ctx: RequestContext,
  input: NewSavedView,
): Promise<SavedView> {
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name.length === 0) throw invalid('/body/name', 'Enter a name for the view');
  if (name.length > SAVED_VIEW_NAME_MAX) {
    throw invalid('/body/name', `The name must be ${SAVED_VIEW_NAME_MAX} characters or fewer`);
  }
  const query = canonicalViewQuery(input.query);
  const orgId = ctx.principal.orgId;
  const userId = ctx.principal.id;
  return db.transaction(async (tx) => {
    const mine = await tx
      .select({ id: savedViews.id })
      .from(savedViews)
      .where(and(eq(savedViews.orgId, orgId), eq(savedViews.userId, userId)));
    if (mine.length >= SAVED_VIEWS_MAX) {
      throw invalid(
        '/body/name',
        `You have ${SAVED_VIEWS_MAX} saved views, the most you can keep: delete one first`,
      );
    }
    const [row] = await tx
      .insert(savedViews)
      .values({ orgId, id: randomUUID(), userId, name, query, createdAt: ctx.now })
      .onConflictDoNothing({ target: [savedViews.orgId, savedViews.userId, savedViews.name] })
      .returning();
    if (!row) {
      throw new AppError('conflict', `You already have a view called "${name}": choose another name`, {
        errors: [{ field: '/body/name', message: `You already have a view called "${name}"` }],
      });
    }
    return toView(row);
  });
}

/**
 * Deletes one of the signed-in user's views. Deleting a view that is not theirs (or no longer exists) changes
 * nothing and says nothing about other people's views.
 */
export async function deleteSavedView(db: Database, ctx: RequestContext, id: string): Promise<void> {
  await db
    .delete(savedViews)
    .where(
      and(
        eq(savedViews.orgId, ctx.principal.orgId),
        eq(savedViews.userId, ctx.principal.id),
        eq(savedViews.id, id),
      ),
    );
}
