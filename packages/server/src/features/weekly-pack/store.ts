/**
 * The weekly packs as they were produced, one per organisation and week (`weekly_packs`): the schedule stores
 * each Monday's pack, so that next week's can say what changed, and last week's can be downloaded again as it
 * was. A pack names its top risks' patients: whoever hands one on audits it (`./service.ts`).
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt } from 'drizzle-orm';
import { mondayOf, parsePlainDate, type StoredWeeklyPack } from '@pathflow/core';
import type { Database } from '../../db/client';
import { weeklyPacks } from '../../db/schema';
import type { WeeklyPack } from './data';

/** The Monday (YYYY-MM-DD) of the week of `day`. */
export const weekStartOf = (day: string): string => mondayOf(parsePlainDate(day)).toString();

/** A kept pack, as listed: core's contract type. */
export type StoredPackSummary = StoredWeeklyPack;

const summaryColumns = {
  id: weeklyPacks.id,
  weekStart: weeklyPacks.weekStart,
  asOf: weeklyPacks.asOf,
  createdBy: weeklyPacks.createdBy,
  createdAt: weeklyPacks.createdAt,
  runs: weeklyPacks.runs,
};

const summaryOf = (r: {
  id: string;
  weekStart: string;
  asOf: string;
  createdBy: string;
  createdAt: Date;
  runs: number;
}): StoredPackSummary => ({ ...r, createdAt: r.createdAt.toISOString() });

/** Keeps `pack` as its week's. A week keeps the first pack stored for it: answers the new row's id, or null. */
export async function storeWeeklyPack(
  tx: Database,
  orgId: string,
  pack: WeeklyPack,
  options: { createdBy: string; now: Date },
): Promise<string | null> {
  const inserted = await tx
    .insert(weeklyPacks)
    .values({
      orgId,
      id: randomUUID(),
      weekStart: weekStartOf(pack.asOf),
      asOf: pack.asOf,
      createdBy: options.createdBy,
      runs: pack.forecast.runs,
      pack,
      createdAt: options.now,
    })
    .onConflictDoNothing({ target: [weeklyPacks.orgId, weeklyPacks.weekStart] })
    .returning({ id: weeklyPacks.id });
  return inserted[0]?.id ?? null;
}

/** The stored pack of the latest week before the week of `asOf` (the pack to compare with), if any. */
export async function packBefore(db: Database, orgId: string, asOf: string): Promise<WeeklyPack | null> {
  const [row] = await db
    .select({ pack: weeklyPacks.pack })
    .from(weeklyPacks)
    .where(and(eq(weeklyPacks.orgId, orgId), lt(weeklyPacks.weekStart, weekStartOf(asOf))))
    .orderBy(desc(weeklyPacks.weekStart))
    .limit(1);
  return row ? (row.pack as WeeklyPack) : null;
}

/** Whether the week of `asOf` already has its pack. */
export async function weekHasPack(db: Database, orgId: string, asOf: string): Promise<boolean> {
  const rows = await db
    .select({ id: weeklyPacks.id })
    .from(weeklyPacks)
    .where(and(eq(weeklyPacks.orgId, orgId), eq(weeklyPacks.weekStart, weekStartOf(asOf))));
  return rows.length > 0;
}

/** The stored packs, newest week first. */
export async function listWeeklyPacks(
  db: Database,
  orgId: string,
  limit: number,
): Promise<StoredPackSummary[]> {
  const rows = await db
    .select(summaryColumns)
    .from(weeklyPacks)
    .where(eq(weeklyPacks.orgId, orgId))
    .orderBy(desc(weeklyPacks.weekStart))
    .limit(limit);
  return rows.map(summaryOf);
}

/** One stored pack, or null. */
export async function storedWeeklyPack(
  db: Database,
  orgId: string,
  id: string,
): Promise<{ summary: StoredPackSummary; pack: WeeklyPack } | null> {
  const [row] = await db
    .select({ ...summaryColumns, pack: weeklyPacks.pack })
    .from(weeklyPacks)
    .where(and(eq(weeklyPacks.orgId, orgId), eq(weeklyPacks.id, id)));
  if (!row) return null;
  const { pack, ...summary } = row;
  return { summary: summaryOf(summary), pack: pack as WeeklyPack };
}
