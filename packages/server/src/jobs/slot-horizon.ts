/**
 * The daily rolling-horizon job: every organisation's clinics extended to 26 weeks from today in London
 * (`extendSlotHorizon`). Used by the server's scheduler and by `pathflow slots extend`.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { organisations } from '../db/schema';
import { londonToday } from '../clock';
import { extendSlotHorizon, type HorizonExtension } from '../features/clinics/horizon';

export interface OrganisationExtension extends HorizonExtension {
  orgId: string;
  odsCode: string;
}

/** Extends the horizon for each organisation (or only the one with ODS code `odsCode`), as of `now`. */
export async function extendAllSlotHorizons(
  db: Database,
  now: Date,
  options: { actorId: string; odsCode?: string | undefined },
): Promise<OrganisationExtension[]> {
  const orgs = await db
    .select({ orgId: organisations.orgId, odsCode: organisations.odsCode })
    .from(organisations)
    .where(options.odsCode === undefined ? undefined : eq(organisations.odsCode, options.odsCode))
    .orderBy(asc(organisations.odsCode));
  const today = londonToday(now);
  const results: OrganisationExtension[] = [];
  for (const org of orgs) {
    const extension = await extendSlotHorizon(db, org.orgId, today, { now, actorId: options.actorId });
    results.push({ ...extension, ...org });
  }
  return results;
}
