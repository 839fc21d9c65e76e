/**
 * Schedule (UKCore-Schedule): one per clinic template. Its actors are the clinic's consultant (Practitioner,
 * absent for a service-led clinic), its Location and its HealthcareService (the specialty); its slots are the
 * template's generated slots (`slot.ts`).
 */
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Reference, Schedule } from 'fhir/r4';
import { clinicTemplates, specialties } from '../../../db/schema';
import type { Database } from '../../../db/client';
import type { FhirResourceModule } from '../module';
import { fhirInvalid } from '../outcome';
import { PROFILES, SYSTEMS, metaOf, ref } from '../resource';
import type { SearchParams } from '../search';
import { idsIn, pageOf } from './shared';

const columns = {
  id: clinicTemplates.id,
  name: clinicTemplates.name,
  serviceName: clinicTemplates.serviceName,
  clinicianId: clinicTemplates.clinicianId,
  locationId: clinicTemplates.locationId,
  specialtyCode: clinicTemplates.specialtyCode,
  specialtyName: specialties.name,
  versionId: clinicTemplates.versionId,
  lastUpdated: clinicTemplates.lastUpdated,
};

/** The specialty as UK Core codes it (treatment function code, UKCore-PracticeSettingCode). */
export const specialtyConcept = (code: string, name: string | null) => ({
  coding: [{ system: SYSTEMS.practiceSetting, code, ...(name ? { display: name } : {}) }],
});

export function scheduleResource(row: Row): Schedule {
  const actor: Reference[] = [];
  if (row.clinicianId) actor.push(ref('Practitioner', row.clinicianId));
  actor.push(ref('Location', row.locationId), ref('HealthcareService', row.specialtyCode));
  return {
    resourceType: 'Schedule',
    id: row.id,
    meta: metaOf('Schedule', row),
    active: true,
    serviceType: [{ text: row.serviceName ?? row.name }],
    specialty: [specialtyConcept(row.specialtyCode, row.specialtyName)],
    actor,
    comment: row.name,
  };
}

function selectSchedules(db: Database, orgId: string, where: SQL[]) {
  return db
    .select(columns)
    .from(clinicTemplates)
    .innerJoin(
      specialties,
      and(eq(specialties.orgId, clinicTemplates.orgId), eq(specialties.code, clinicTemplates.specialtyCode)),
    )
    .where(and(eq(clinicTemplates.orgId, orgId), ...where));
}

type Row = Awaited<ReturnType<typeof selectSchedules>>[number];

/** The Schedules of some templates (for `_include=Slot:schedule`), each once. */
export async function schedulesById(
  db: Database,
  orgId: string,
  ids: readonly string[],
): Promise<Schedule[]> {
  if (ids.length === 0) return [];
  const rows = await selectSchedules(db, orgId, [inArray(clinicTemplates.id, [...new Set(ids)])]).orderBy(
    asc(clinicTemplates.id),
  );
  return rows.map(scheduleResource);
}

function actorFilter(params: SearchParams): SQL[] {
  return params.all('actor').map((value) => {
    const m = /^(?:.*\/)?(Practitioner|Location|HealthcareService)\/([A-Za-z0-9\-.]{1,64})$/.exec(value);
    if (!m) {
      throw fhirInvalid(
        'actor',
        'actor must be Practitioner/<id>, Location/<id> or HealthcareService/<code>',
      );
    }
    const [, type, id] = m as unknown as [string, string, string];
    if (type === 'HealthcareService') return eq(clinicTemplates.specialtyCode, id);
    return idsIn(type === 'Practitioner' ? clinicTemplates.clinicianId : clinicTemplates.locationId, [id]);
  });
}

function specialtyFilter(params: SearchParams, column: typeof clinicTemplates.specialtyCode): SQL[] {
  const tokens = params.tokens('specialty');
  if (tokens.length === 0) return [];
  for (const t of tokens) {
    if (t.system !== undefined && t.system !== SYSTEMS.practiceSetting) {
      throw fhirInvalid(
        'specialty',
        `specialty is coded with ${SYSTEMS.practiceSetting} (treatment function codes)`,
      );
    }
  }
  return [
    inArray(
      column,
      tokens.map((t) => t.code),
    ),
  ];
}

export const scheduleModule: FhirResourceModule = {
  type: 'Schedule',
  profile: PROFILES.Schedule,
  read: 'Clinic.read',
  documentation: 'One Schedule for each clinic template: its consultant, location and specialty.',
  searchParams: [
    {
      name: 'actor',
      type: 'reference',
      documentation: 'Practitioner/<id>, Location/<id> or HealthcareService/<treatment function code>',
    },
    {
      name: 'specialty',
      type: 'token',
      documentation: `Treatment function code (${SYSTEMS.practiceSetting})`,
    },
  ],

  async readById(db, ctx, id) {
    const [row] = await selectSchedules(db, ctx.principal.orgId, [eq(clinicTemplates.id, id)]);
    return row ? scheduleResource(row) : null;
  },

  async search(db, ctx, params) {
    const where = [...actorFilter(params), ...specialtyFilter(params, clinicTemplates.specialtyCode)];
    const rows = await selectSchedules(db, ctx.principal.orgId, where)
      .orderBy(asc(clinicTemplates.name), asc(clinicTemplates.id))
      .limit(params.count + 1)
      .offset(params.offset);
    const page = pageOf(rows, params);
    return { matches: page.rows.map(scheduleResource), more: page.more };
  },
};
