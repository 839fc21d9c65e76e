import type { FastifyInstance } from 'fastify';
import { and, asc, count, eq } from 'drizzle-orm';
import type { SpecialtyWaitingList } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import type { Database } from '../../db/client';
import { pathways, specialties } from '../../db/schema';
import { contextOf } from '../../http/auth';

/**
 * Each specialty of the organisation with its directorate (null when not set) and the number of patients waiting
 * (open pathways). Aggregates only.
 */
export async function waitingBySpecialty(
  db: Database,
  orgId: string,
  now: Date,
): Promise<SpecialtyWaitingList> {
  const rows = await db
    .select({
      code: specialties.code,
      name: specialties.name,
      directorate: specialties.directorate,
      waitingPatients: count(pathways.id),
    })
    .from(specialties)
    .leftJoin(
      pathways,
      and(
        eq(pathways.orgId, specialties.orgId),
        eq(pathways.specialtyCode, specialties.code),
        eq(pathways.status, 'open'),
      ),
    )
    .where(eq(specialties.orgId, orgId))
    .groupBy(specialties.code, specialties.name, specialties.directorate)
    .orderBy(asc(specialties.name));
  const list = rows.map((r) => ({ ...r, waitingPatients: Number(r.waitingPatients) }));
  return {
    asOf: now.toISOString(),
    specialties: list,
    totalWaiting: list.reduce((sum, s) => sum + s.waitingPatients, 0),
  };
}

export function specialtyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/specialties',
    {
      config: { auth: 'WaitingList.read' },
      schema: {
        summary: 'Specialties with their directorate and the number of patients waiting',
        tags: ['Waiting list'],
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps.now);
      return waitingBySpecialty(deps.handle.db, ctx.principal.orgId, ctx.now);
    },
  );
}
