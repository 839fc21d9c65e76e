/** Short-notice offers as the booking team sees them: the slot, and each candidate in turn with their status. */
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { patients, shortNoticeCandidates, shortNoticeOffers, slots, specialties } from '../../db/schema';
import { actorOf, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { notFound } from '../../errors';
import type { OfferStatus } from './service';

export interface CandidateView {
  id: string;
  rank: number;
  pathwayId: string;
  patientId: string;
  name: string;
  nhsNumber: string;
  channel: string;
  status: string;
  offeredAt: string | null;
  expiresAt: string | null;
  repliedAt: string | null;
  taskId: string | null;
}

export interface OfferView {
  id: string;
  status: string;
  slot: {
    id: string;
    startsAt: string;
    endsAt: string;
    slotType: string;
    specialtyCode: string;
    specialtyName: string | null;
  };
  appointmentId: string | null;
  createdAt: string;
  closedAt: string | null;
  /** The candidate being asked now (status offered), if any. */
  currentCandidateId: string | null;
  candidates: CandidateView[];
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

async function offersWhere(tx: Database, where: SQL, limit: number, offset: number) {
  return tx
    .select({
      offer: shortNoticeOffers,
      slot: {
        id: slots.id,
        startsAt: slots.startsAt,
        endsAt: slots.endsAt,
        slotType: slots.slotType,
        specialtyCode: slots.specialtyCode,
      },
      specialtyName: specialties.name,
    })
    .from(shortNoticeOffers)
    .innerJoin(slots, and(eq(slots.orgId, shortNoticeOffers.orgId), eq(slots.id, shortNoticeOffers.slotId)))
    .leftJoin(specialties, and(eq(specialties.orgId, slots.orgId), eq(specialties.code, slots.specialtyCode)))
    .where(where)
    .orderBy(
      sql`case when ${shortNoticeOffers.status} = 'open' then 0 else 1 end`,
      desc(shortNoticeOffers.createdAt),
      asc(shortNoticeOffers.id),
    )
    .limit(limit)
    .offset(offset);
}

/** The offers' views, with their candidates, each candidate's reading audited (ids only). */
async function withCandidates(
  tx: Database,
  ctx: RequestContext,
  rows: Awaited<ReturnType<typeof offersWhere>>,
): Promise<OfferView[]> {
  const orgId = ctx.principal.orgId;
  const ids = rows.map((r) => r.offer.id);
  const candidates =
    ids.length === 0
      ? []
      : await tx
          .select({
            c: shortNoticeCandidates,
            nhsNumber: patients.nhsNumber,
            givenName: patients.givenName,
            familyName: patients.familyName,
          })
          .from(shortNoticeCandidates)
          .innerJoin(
            patients,
            and(
              eq(patients.orgId, shortNoticeCandidates.orgId),
              eq(patients.id, shortNoticeCandidates.patientId),
            ),
          )
          .where(and(eq(shortNoticeCandidates.orgId, orgId), inArray(shortNoticeCandidates.offerId, ids)))
          .orderBy(asc(shortNoticeCandidates.offerId), asc(shortNoticeCandidates.rank));
  await writeAuditForMany(
    tx,
    actorOf(ctx),
    'ShortNoticeOffer.read',
    'ShortNoticeCandidate',
    candidates.map((r) => ({ resourceId: r.c.id, patientId: r.c.patientId })),
  );
  const byOffer = new Map<string, CandidateView[]>();
  for (const { c, nhsNumber, givenName, familyName } of candidates) {
    const list = byOffer.get(c.offerId) ?? [];
    list.push({
      id: c.id,
      rank: c.rank,
      pathwayId: c.pathwayId,
      patientId: c.patientId,
      name: `${familyName}, ${givenName}`,
      nhsNumber,
      channel: c.channel,
      status: c.status,
      offeredAt: iso(c.offeredAt),
      expiresAt: iso(c.expiresAt),
      repliedAt: iso(c.repliedAt),
      taskId: c.taskId,
    });
    byOffer.set(c.offerId, list);
  }
  return rows.map(({ offer, slot, specialtyName }) => {
    const list = byOffer.get(offer.id) ?? [];
    return {
      id: offer.id,
      status: offer.status,
      slot: {
        id: slot.id,
        startsAt: slot.startsAt.toISOString(),
        endsAt: slot.endsAt.toISOString(),
        slotType: slot.slotType,
        specialtyCode: slot.specialtyCode,
        specialtyName,
      },
      appointmentId: offer.appointmentId,
      createdAt: offer.createdAt.toISOString(),
      closedAt: iso(offer.closedAt),
      currentCandidateId: list.find((c) => c.status === 'offered')?.id ?? null,
      candidates: list,
    };
  });
}

export interface ListQuery {
  status?: OfferStatus | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Short-notice offers, open ones first, then the latest; optionally of one status. */
export async function listShortNoticeOffers(
  db: Database,
  ctx: RequestContext,
  query: ListQuery,
): Promise<{ offers: OfferView[] }> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const where = and(
      eq(shortNoticeOffers.orgId, orgId),
      query.status === undefined ? sql`true` : eq(shortNoticeOffers.status, query.status),
    )!;
    const rows = await offersWhere(tx, where, query.limit ?? 50, query.offset ?? 0);
    return { offers: await withCandidates(tx, ctx, rows) };
  });
}

/** One short-notice offer, inside the caller's transaction. */
export async function shortNoticeOfferInTx(
  tx: Database,
  ctx: RequestContext,
  offerId: string,
): Promise<OfferView> {
  const rows = await offersWhere(
    tx,
    and(eq(shortNoticeOffers.orgId, ctx.principal.orgId), eq(shortNoticeOffers.id, offerId))!,
    1,
    0,
  );
  if (rows.length === 0) throw notFound('Short-notice offer');
  return (await withCandidates(tx, ctx, rows))[0]!;
}

export async function getShortNoticeOffer(
  db: Database,
  ctx: RequestContext,
  offerId: string,
): Promise<OfferView> {
  return db.transaction((tx) => shortNoticeOfferInTx(tx, ctx, offerId));
}
