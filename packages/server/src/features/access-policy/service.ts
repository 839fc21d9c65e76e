/**
 * The access policy in force: the organisation's latest version effective on or before a day, over the defaults
 * (core `DEFAULT_ACCESS_POLICY`) when it has none. A trust changes its policy by adding a version with the day it
 * takes effect (today or later, never in the past, so what was in force on a past day never changes). A version
 * may give only the settings it changes: it is stored merged over the version in force on its date, checked by
 * core `validatePolicySettings`. Stored settings are read over the defaults (`settingsOverDefaults`), so a
 * version written before a setting existed still works.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, lte } from 'drizzle-orm';
import {
  DEFAULT_ACCESS_POLICY,
  parsePlainDate,
  settingsOverDefaults,
  validatePolicySettings,
  type AccessPolicySettings,
  type AccessPolicyVersionView,
  type AccessPolicyView,
  type NewAccessPolicyVersion,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { accessPolicyVersions } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { audit } from '../../audit/audit';
import { AppError, invalid } from '../../errors';
import { londonToday } from '../../clock';

type Row = typeof accessPolicyVersions.$inferSelect;

/** The settings in force on `date` (a London YYYY-MM-DD day). */
export async function accessPolicyOn(
  db: Database,
  orgId: string,
  date: string,
): Promise<AccessPolicySettings> {
  const row = await versionOn(db, orgId, date);
  return row ? settingsOverDefaults(row.settings) : DEFAULT_ACCESS_POLICY;
}

async function versionOn(db: Database, orgId: string, date: string): Promise<Row | undefined> {
  const [row] = await db
    .select()
    .from(accessPolicyVersions)
    .where(and(eq(accessPolicyVersions.orgId, orgId), lte(accessPolicyVersions.effectiveFrom, date)))
    .orderBy(desc(accessPolicyVersions.effectiveFrom))
    .limit(1);
  return row;
}

function view(row: Row): AccessPolicyVersionView {
  return {
    id: row.id,
    effectiveFrom: row.effectiveFrom,
    settings: settingsOverDefaults(row.settings),
    note: row.note,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The policy in force today, which version that is, and every version (latest effective date first). */
export async function readAccessPolicy(db: Database, ctx: RequestContext): Promise<AccessPolicyView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const rows = await db
    .select()
    .from(accessPolicyVersions)
    .where(eq(accessPolicyVersions.orgId, orgId))
    .orderBy(desc(accessPolicyVersions.effectiveFrom));
  const current = rows.find((r) => r.effectiveFrom <= today);
  return {
    asOf: today,
    inForce: current
      ? {
          versionId: current.id,
          effectiveFrom: current.effectiveFrom,
          settings: settingsOverDefaults(current.settings),
        }
      : { versionId: null, effectiveFrom: null, settings: DEFAULT_ACCESS_POLICY },
    defaults: DEFAULT_ACCESS_POLICY,
    versions: rows.map(view),
  };
}

/**
 * Adds a version. `effectiveFrom` today or later (400 naming `/body/effectiveFrom`); its settings, merged over
 * the version in force on that day, must pass every check (400 listing each problem under `/body/settings`); a
 * second version from the same day is a 409. Audited.
 */
export async function addAccessPolicyVersion(
  db: Database,
  ctx: RequestContext,
  input: NewAccessPolicyVersion,
): Promise<AccessPolicyVersionView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  try {
    parsePlainDate(input.effectiveFrom);
  } catch {
    throw invalid('/body/effectiveFrom', 'Enter a real date, like 2027-04-01');
  }
  if (input.effectiveFrom < today) {
    throw invalid(
      '/body/effectiveFrom',
      `A new version cannot start in the past: choose today (${today}) or a later date`,
    );
  }
  return db.transaction(async (tx) => {
    const base = await accessPolicyOn(tx, orgId, input.effectiveFrom);
    const checked = validatePolicySettings(input.settings, base);
    if (!checked.ok) {
      const errors = checked.problems.map((p) => ({ field: `/body/settings${p.path}`, message: p.message }));
      throw new AppError(
        'validation_failed',
        `The settings have ${errors.length === 1 ? 'a problem' : `${errors.length} problems`}`,
        { errors },
      );
    }
    const row = {
      orgId,
      id: randomUUID(),
      effectiveFrom: input.effectiveFrom,
      settings: checked.settings,
      note: input.note?.trim() || null,
      createdBy: ctx.principal.id,
      createdAt: ctx.now,
    };
    const inserted = await tx
      .insert(accessPolicyVersions)
      .values(row)
      .onConflictDoNothing({ target: [accessPolicyVersions.orgId, accessPolicyVersions.effectiveFrom] })
      .returning({ id: accessPolicyVersions.id });
    if (inserted.length === 0) {
      throw new AppError(
        'conflict',
        `A version of the access policy already starts on ${input.effectiveFrom}: choose another date`,
      );
    }
    await audit(tx, ctx, {
      action: 'AccessPolicy.create',
      resourceType: 'AccessPolicyVersion',
      resourceId: row.id,
      detail: { effectiveFrom: row.effectiveFrom, changed: Object.keys(input.settings).length },
    });
    return view({ ...row, note: row.note });
  });
}
