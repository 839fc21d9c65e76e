/**
 * The access policy in force: the organisation's latest version effective on or before a day, over the defaults
 * (core `DEFAULT_ACCESS_POLICY`) when it has none.
 */
import { and, desc, eq, lte } from 'drizzle-orm';
import { DEFAULT_ACCESS_POLICY, type AccessPolicySettings } from '@pathflow/core';
import type { Database } from '../../db/client';
import { accessPolicyVersions } from '../../db/schema';

/** The settings in force on `date` (a London YYYY-MM-DD day). */
export async function accessPolicyOn(
  db: Database,
  orgId: string,
  date: string,
): Promise<AccessPolicySettings> {
  const [row] = await db
    .select({ settings: accessPolicyVersions.settings })
    .from(accessPolicyVersions)
    .where(and(eq(accessPolicyVersions.orgId, orgId), lte(accessPolicyVersions.effectiveFrom, date)))
    .orderBy(desc(accessPolicyVersions.effectiveFrom))
    .limit(1);
  return row ? (row.settings as AccessPolicySettings) : DEFAULT_ACCESS_POLICY;
}
