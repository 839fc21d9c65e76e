/**
 * The rolling horizon: slots are generated 26 weeks ahead when a clinic is created or versioned, and this
 * extension keeps them so as the days pass. Run daily (the server's scheduler, `jobs/`) and on demand
 * (`pathflow slots extend`).
 *
 * For every template, each active version's slots from today to the end of the horizon (core
 * `generateSlots`, `slotHorizon`) are compared by key with the template's stored slots on those dates, and
 * only the missing ones are inserted; a stored slot is never changed. Keys are unique per organisation
 * (whatever the slot's status), so a slot removed by a new version or cancelled with its session keeps its key
 * and is never generated again: `on conflict do nothing` also covers a slot inserted meanwhile by another run.
 * A second run on the same day finds every key and writes no slot.
 *
 * One transaction per template, with its row locked as for a new version, so a version applied meanwhile is
 * either wholly before or wholly after this template's extension. One `Clinic.slotsExtended` audit row per
 * template, with the counts.
 */
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { generateSlots, slotHorizon, type GeneratedSlot } from '@pathflow/core';
import type { Database } from '../../db/client';
import { clinicTemplates, slots } from '../../db/schema';
import { writeAudit, type AuditActor } from '../../audit/audit';
import { INSERT_CHUNK, loadTemplate, slotRows, templateOf, versionsOf } from './model';

export interface ExtendOptions {
  /** When the run happens, for the audit rows (the caller's clock: services never read one). */
  now?: Date | undefined;
  /** Who runs it, as the audit log's actor id: the scheduler or the command. */
  actorId?: string | undefined;
}

export interface TemplateExtension {
  templateId: string;
  /** Active versions whose slots were generated. */
  versions: number[];
  /** Slots the active versions have from today to the horizon. */
  generated: number;
  /** Of those, slots inserted now (the rest were stored already, or removed or cancelled). */
  created: number;
}

export interface HorizonExtension {
  today: string;
  horizonTo: string;
  templates: number;
  created: number;
  clinics: TemplateExtension[];
}

/** Extends every clinic of the organisation to the horizon from `today` (a London date, YYYY-MM-DD). */
export async function extendSlotHorizon(
  db: Database,
  orgId: string,
  today: string,
  options: ExtendOptions = {},
): Promise<HorizonExtension> {
  const horizon = slotHorizon(today);
  const actor: AuditActor = {
    orgId,
    actorType: 'system',
    actorId: options.actorId ?? 'slot-horizon',
    actorRole: 'system',
    ...(options.now ? { at: options.now } : {}),
  };
  const templates = await db
    .select({ id: clinicTemplates.id })
    .from(clinicTemplates)
    .where(eq(clinicTemplates.orgId, orgId))
    .orderBy(asc(clinicTemplates.id));
  const clinics: TemplateExtension[] = [];
  for (const { id } of templates) {
    clinics.push(
      await db.transaction(async (tx) => {
        const t = await loadTemplate(tx, orgId, id, true);
        const active = (await versionsOf(tx, orgId, id)).filter((v) => v.status === 'active');
        // generateSlots keeps each version to its own effective dates, and active versions never overlap.
        const generated: GeneratedSlot[] = active.flatMap((v) =>
          generateSlots(
            { ...templateOf(t, v), templateId: t.id, version: v.version },
            { from: horizon.from, to: horizon.to },
          ),
        );
        let created = 0;
        if (generated.length > 0) {
          const stored = await tx
            .select({ key: slots.key })
            .from(slots)
            .where(
              and(
                eq(slots.orgId, orgId),
                eq(slots.templateId, id),
                gte(slots.sessionDate, horizon.from),
                lte(slots.sessionDate, horizon.to),
              ),
            );
          const known = new Set(stored.map((s) => s.key));
          const rows = slotRows(
            orgId,
            t,
            generated.filter((g) => !known.has(g.key)),
          );
          for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
            const inserted = await tx
              .insert(slots)
              .values(rows.slice(i, i + INSERT_CHUNK))
              .onConflictDoNothing({ target: [slots.orgId, slots.key] })
              .returning({ id: slots.id });
            created += inserted.length;
          }
        }
        const result: TemplateExtension = {
          templateId: id,
          versions: active.map((v) => v.version),
          generated: generated.length,
          created,
        };
        await writeAudit(tx, actor, [
          {
            action: 'Clinic.slotsExtended',
            resourceType: 'Clinic',
            resourceId: id,
            detail: {
              from: horizon.from,
              horizonTo: horizon.to,
              versions: result.versions,
              generated: result.generated,
              created,
              alreadyStored: generated.length - created,
            },
          },
        ]);
        return result;
      }),
    );
  }
  return {
    today: horizon.from,
    horizonTo: horizon.to,
    templates: clinics.length,
    created: clinics.reduce((n, c) => n + c.created, 0),
    clinics,
  };
}
