/**
 * Creating a clinic and changing it with a new version of its template.
 *
 * Applying a version (`applyVersion`):
 * - every other active version still running on or after the new version's first date ends the day before
 *   (and is 'superseded' when that leaves it no date at all);
 * - the new version's slots are generated from max(today, effectiveFrom) to the end of the horizon and matched
 *   by core against the template's open slots on those dates (held places count as booked, so a slot with a
 *   hold is never removed);
 * - free slots that no longer fit are marked 'removed'; kept slots take the new key and capacity (never below
 *   what is booked and held: a capacity cut below the bookings keeps them and reports the excess); booked slots
 *   that no longer fit are marked 'removed' and their booked appointments 'displaced';
 * - removals are written before the new slots are inserted, because keys are unique per organisation;
 * - last, in the same transaction, the displaced patients are rebooked into the earliest suitable slots (the
 *   new version's included) or escalated to the service manager (`rebook.ts`), each with a letter queued.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import {
  changeNeedsApproval,
  compareDates,
  daysBetween,
  firstAffectedDate,
  generateSlots,
  parsePlainDate,
  regenerateSlots,
  slotHorizon,
  type ClinicVersionApplied,
  type ClinicVersionOutcome,
  type ExistingSlot,
  type SlotType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  appointments,
  clinicChangeRequests,
  clinicTemplates,
  clinicTemplateVersions,
  clinicians,
  locations,
  slots,
  specialties,
} from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, type FieldError } from '../../errors';
import { londonToday } from '../../clock';
import {
  INSERT_CHUNK,
  checkTemplate,
  currentOf,
  dateAdd,
  insertSlots,
  laterOf,
  loadTemplate,
  slotRows,
  templateOf,
  versionsOf,
  type SlotRow,
  type TemplateRow,
  type VersionRow,
} from './model';
import { rebookDisplaced } from './rebook';

export interface VersionInput {
  effectiveFrom: string;
  effectiveTo?: string | null | undefined;
  recurrence: unknown;
  sessions: unknown;
}

export interface NewClinicInput extends VersionInput {
  name: string;
  clinicianId?: string | null | undefined;
  serviceName?: string | null | undefined;
  locationId: string;
  specialtyCode: string;
}

export interface NewVersionInput extends VersionInput {
  reason: string;
}

/** Creates a clinic: the template, version 1 (active) and its slots over the horizon, in one transaction. */
export async function createClinic(db: Database, ctx: RequestContext, input: NewClinicInput) {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const template = checkTemplate({
    clinicianId: input.clinicianId ?? null,
    serviceName: input.serviceName ?? undefined,
    locationId: input.locationId,
    specialtyCode: input.specialtyCode,
    effectiveFrom: input.effectiveFrom,
    effectiveTo: input.effectiveTo ?? null,
    recurrence: input.recurrence,
    sessions: input.sessions,
  });
  const name = input.name.trim();
  return db.transaction(async (tx) => {
    const unknown: FieldError[] = [];
    if (template.clinicianId !== null) {
      const [c] = await tx
        .select({ id: clinicians.id })
        .from(clinicians)
        .where(and(eq(clinicians.orgId, orgId), eq(clinicians.id, template.clinicianId)));
      if (!c)
        unknown.push({ field: '/body/clinicianId', message: 'There is no clinician with this identifier' });
    }
    const [l] = await tx
      .select({ id: locations.id })
      .from(locations)
      .where(and(eq(locations.orgId, orgId), eq(locations.id, template.locationId)));
    if (!l) unknown.push({ field: '/body/locationId', message: 'There is no location with this identifier' });
    const [s] = await tx
      .select({ code: specialties.code })
      .from(specialties)
      .where(and(eq(specialties.orgId, orgId), eq(specialties.code, template.specialtyCode)));
    if (!s) {
      unknown.push({
        field: '/body/specialtyCode',
        message: `Specialty ${template.specialtyCode} is not one of this organisation's specialties`,
      });
    }
    if (unknown.length > 0) {
      throw new AppError('validation_failed', unknown.map((e) => e.message).join('. '), { errors: unknown });
    }

    const id = randomUUID();
    const [row] = await tx
      .insert(clinicTemplates)
      .values({
        orgId,
        id,
        name,
        clinicianId: template.clinicianId,
        serviceName: template.serviceName ?? null,
        locationId: template.locationId,
        specialtyCode: template.specialtyCode,
        createdBy: ctx.principal.id,
      })
      .returning();
    await tx.insert(clinicTemplateVersions).values({
      orgId,
      templateId: id,
      version: 1,
      effectiveFrom: template.effectiveFrom,
      effectiveTo: template.effectiveTo,
      recurrence: template.recurrence,
      sessions: template.sessions,
      status: 'active',
      createdBy: ctx.principal.id,
    });
    const horizon = slotHorizon(today);
    const generated = generateSlots(
      { ...template, templateId: id, version: 1 },
      { from: laterOf(today, template.effectiveFrom), to: horizon.to },
    );
    await insertSlots(tx, slotRows(orgId, row!, generated));
    await audit(tx, ctx, {
      action: 'Clinic.create',
      resourceType: 'Clinic',
      resourceId: id,
      detail: { version: 1, slotsCreated: generated.length, horizonTo: horizon.to },
    });
    return { id, name, version: 1, slotsCreated: generated.length };
  });
}

/**
 * Applies a stored version (see the module comment) inside the caller's transaction, which holds the
 * template's row lock. The version becomes active.
 */
export async function applyVersion(
  tx: Database,
  ctx: RequestContext,
  t: TemplateRow,
  next: VersionRow,
): Promise<ClinicVersionApplied> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const versions = await versionsOf(tx, orgId, t.id);
  const dayBefore = dateAdd(next.effectiveFrom, -1);
  for (const v of versions) {
    if (v.version === next.version || v.status !== 'active') continue;
    if (
      v.effectiveTo !== null &&
      compareDates(parsePlainDate(v.effectiveTo), parsePlainDate(dayBefore)) <= 0
    ) {
      continue;
    }
    const runsNoMore = daysBetween(parsePlainDate(v.effectiveFrom), parsePlainDate(dayBefore)) < 0;
    await tx
      .update(clinicTemplateVersions)
      .set(runsNoMore ? { status: 'superseded' } : { effectiveTo: dayBefore })
      .where(
        and(
          eq(clinicTemplateVersions.orgId, orgId),
          eq(clinicTemplateVersions.templateId, t.id),
          eq(clinicTemplateVersions.version, v.version),
        ),
      );
  }
  await tx
    .update(clinicTemplateVersions)
    .set({ status: 'active' })
    .where(
      and(
        eq(clinicTemplateVersions.orgId, orgId),
        eq(clinicTemplateVersions.templateId, t.id),
        eq(clinicTemplateVersions.version, next.version),
      ),
    );

  const horizon = slotHorizon(today);
  const from = laterOf(today, next.effectiveFrom);
  const generated = generateSlots(
    { ...templateOf(t, next), templateId: t.id, version: next.version },
    { from, to: horizon.to },
  );
  const stored = await tx
    .select()
    .from(slots)
    .where(
      and(
        eq(slots.orgId, orgId),
        eq(slots.templateId, t.id),
        eq(slots.status, 'open'),
        gte(slots.sessionDate, from),
        lte(slots.sessionDate, horizon.to),
      ),
    )
    .for('update');
  type Existing = ExistingSlot & { row: SlotRow };
  const existing: Existing[] = stored.map((row) => ({
    key: row.key,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    slotType: row.slotType as SlotType,
    capacity: row.capacity,
    booked: row.booked + row.held,
    row,
  }));
  const plan = regenerateSlots({ existing, generated });

  // 1. Slots that leave the template: free ones removed, booked ones removed with their appointments displaced.
  const moved = plan.displaced.filter((d) => d.reason !== 'capacity-reduced');
  const gone = [...plan.remove.map((e) => e.row), ...moved.map((d) => d.slot.row)];
  const goneIds = gone.map((row) => row.id);
  for (let i = 0; i < goneIds.length; i += INSERT_CHUNK) {
    await tx
      .update(slots)
      .set({ status: 'removed' })
      .where(and(eq(slots.orgId, orgId), inArray(slots.id, goneIds.slice(i, i + INSERT_CHUNK))));
  }
  // A key the new version generates again is released for it (keys are unique per organisation).
  const createKeys = new Set(plan.create.map((g) => g.key));
  for (const row of gone.filter((r) => createKeys.has(r.key))) {
    await tx
      .update(slots)
      .set({ key: `${row.key}/removed/${row.id}` })
      .where(and(eq(slots.orgId, orgId), eq(slots.id, row.id)));
  }
  const movedIds = moved.map((d) => d.slot.row.id);
  const displacedIds: string[] = [];
  for (let i = 0; i < movedIds.length; i += INSERT_CHUNK) {
    const rows = await tx
      .update(appointments)
      .set({ status: 'displaced' })
      .where(
        and(
          eq(appointments.orgId, orgId),
          inArray(appointments.slotId, movedIds.slice(i, i + INSERT_CHUNK)),
          eq(appointments.status, 'booked'),
        ),
      )
      .returning({ id: appointments.id });
    displacedIds.push(...rows.map((r) => r.id));
  }
  const displacedAppointments = displacedIds.length;

  // 2. Kept slots take the new version's key and capacity (never below what is booked and held).
  const changed = plan.keep
    .filter((k) => k.changes.length > 0)
    .map((k) => ({
      id: k.existing.row.id,
      key: k.generated.key,
      capacity: Math.max(k.generated.capacity, k.existing.row.booked + k.existing.row.held),
    }));
  for (let i = 0; i < changed.length; i += INSERT_CHUNK) {
    const json = JSON.stringify(changed.slice(i, i + INSERT_CHUNK));
    await tx.execute(
      sql`update slots s set key = v.key, capacity = v.capacity
            from jsonb_to_recordset(${json}::jsonb) as v(id uuid, key text, capacity int)
           where s.org_id = ${orgId}::uuid and s.id = v.id`,
    );
  }

  // 3. New slots.
  await insertSlots(tx, slotRows(orgId, t, plan.create));

  // 4. The displaced patients, rebooked (the new slots included) or escalated, with their letters.
  const rebooking = await rebookDisplaced(tx, ctx, displacedIds, {
    templateId: t.id,
    cause: 'version-change',
  });

  const result: ClinicVersionApplied = {
    version: next.version,
    created: plan.create.length,
    removed: plan.remove.length,
    kept: plan.keep.length,
    displaced: plan.displaced.map((d) => ({
      slotId: d.slot.row.id,
      startsAt: d.slot.row.startsAt.toISOString(),
      reason: d.reason,
      appointments: d.appointments,
      message: d.message,
    })),
    displacedAppointments,
    ...rebooking,
  };
  await audit(tx, ctx, {
    action: 'ClinicVersion.apply',
    resourceType: 'Clinic',
    resourceId: t.id,
    detail: {
      version: next.version,
      from,
      to: horizon.to,
      created: result.created,
      removed: result.removed,
      kept: result.kept,
      displacedSlots: moved.length,
      displacedAppointments,
      capacityReducedSlots: plan.displaced.length - moved.length,
      rebooked: rebooking.rebooked.length,
      escalated: rebooking.escalated.length,
    },
  });
  return result;
}

/**
 * A new version of a clinic: applied now when its first affected session is six weeks away or more (or it
 * affects none), otherwise stored as 'pending-approval' with a change request for a service manager.
 */
export async function addVersion(
  db: Database,
  ctx: RequestContext,
  templateId: string,
  input: NewVersionInput,
): Promise<ClinicVersionOutcome> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const t = await loadTemplate(tx, orgId, templateId, true);
    const next = checkTemplate({
      ...templateOf(t, {
        effectiveFrom: input.effectiveFrom,
        effectiveTo: input.effectiveTo ?? null,
        recurrence: input.recurrence,
        sessions: input.sessions,
      }),
    });
    if (compareDates(parsePlainDate(next.effectiveFrom), parsePlainDate(today)) < 0) {
      const message = `A new version cannot start in the past: start it today (${today}) or later`;
      throw new AppError('validation_failed', message, {
        errors: [{ field: '/body/effectiveFrom', message }],
      });
    }
    const versions = await versionsOf(tx, orgId, t.id);
    const current = currentOf(versions);
    if (!current) throw new AppError('conflict', 'This clinic has no active version to change');
    const version = (versions.at(-1)?.version ?? 0) + 1;
    const affected = firstAffectedDate({ previous: templateOf(t, current), next, today });
    const pending = changeNeedsApproval({ today, firstAffectedDate: affected });
    const [row] = await tx
      .insert(clinicTemplateVersions)
      .values({
        orgId,
        templateId: t.id,
        version,
        effectiveFrom: next.effectiveFrom,
        effectiveTo: next.effectiveTo,
        recurrence: next.recurrence,
        sessions: next.sessions,
        status: pending ? 'pending-approval' : 'active',
        createdBy: ctx.principal.id,
      })
      .returning();
    if (!pending) {
      const result = await applyVersion(tx, ctx, t, row!);
      return { status: 'active' as const, ...result };
    }
    const requestId = randomUUID();
    await tx.insert(clinicChangeRequests).values({
      orgId,
      id: requestId,
      templateId: t.id,
      kind: 'new-version',
      version,
      firstAffectedDate: affected!,
      reason: input.reason.trim(),
      status: 'requested',
      requestedBy: ctx.principal.id,
      requestedAt: ctx.now,
    });
    await audit(tx, ctx, {
      action: 'ClinicVersion.request',
      resourceType: 'Clinic',
      resourceId: t.id,
      detail: { version, requestId, firstAffectedDate: affected, reason: input.reason.trim() },
    });
    return { status: 'pending-approval' as const, version, requestId, firstAffectedDate: affected! };
  });
}
