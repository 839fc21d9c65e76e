/**
 * The organisation's reference data over HTTP, for the choices in forms such as "Set up a clinic": its
 * clinicians (optionally of one specialty) and its locations. Staff and places only, no patient data, so
 * nothing here is audited.
 */
import type { FastifyInstance } from 'fastify';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import type { Database } from '../../db/client';
import { clinicians, locations } from '../../db/schema';
import { contextOf } from '../../http/auth';
import { problemResponse } from '../openapi/problem-schema';
import { Uuid } from '../../http/schemas';

const ClinicianSchema = Type.Object({
  id: Uuid,
  title: Type.String(),
  givenName: Type.String(),
  familyName: Type.String(),
  name: Type.String({ description: 'Title and full name, e.g. "Ms Ada Surgeon"' }),
  specialtyCode: Type.String(),
  grade: Type.String({ description: 'e.g. consultant' }),
});

const LocationSchema = Type.Object({
  id: Uuid,
  name: Type.String({ description: 'e.g. Outpatients A' }),
  site: Type.String({ description: 'The hospital or site' }),
  siteCode: Type.String(),
});

export async function listClinicians(db: Database, orgId: string, specialty: string | undefined) {
  const where: SQL[] = [eq(clinicians.orgId, orgId)];
  if (specialty !== undefined) where.push(eq(clinicians.specialtyCode, specialty));
  const rows = await db
    .select({
      id: clinicians.id,
      title: clinicians.title,
      givenName: clinicians.givenName,
      familyName: clinicians.familyName,
      specialtyCode: clinicians.specialtyCode,
      grade: clinicians.grade,
    })
    .from(clinicians)
    .where(and(...where))
    .orderBy(asc(clinicians.familyName), asc(clinicians.givenName), asc(clinicians.id));
  return rows.map((r) => ({ ...r, name: [r.title, r.givenName, r.familyName].filter(Boolean).join(' ') }));
}

export async function listLocations(db: Database, orgId: string) {
  return db
    .select({ id: locations.id, name: locations.name, site: locations.site, siteCode: locations.siteCode })
    .from(locations)
    .where(eq(locations.orgId, orgId))
    .orderBy(asc(locations.site), asc(locations.name), asc(locations.id));
}

export function referenceRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/clinicians',
    {
      config: { auth: 'Organization.read' },
      schema: {
        summary: "The organisation's clinicians, optionally of one specialty",
        description: 'In family name order. For choosing the clinician whose clinic it is.',
        tags: ['Clinics'],
        querystring: Type.Object(
          {
            specialty: Type.Optional(
              Type.String({ pattern: '^\\d{3}$', description: 'Treatment function code, e.g. 110' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ clinicians: Type.Array(ClinicianSchema) }),
          400: problemResponse('validation_failed: the specialty is not a 3-digit code'),
        },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps.now);
      return { clinicians: await listClinicians(db, ctx.principal.orgId, request.query.specialty) };
    },
  );

  app.get(
    '/locations',
    {
      config: { auth: 'Organization.read' },
      schema: {
        summary: "The organisation's locations where clinics are held",
        description: 'In site then name order.',
        tags: ['Clinics'],
        response: { 200: Type.Object({ locations: Type.Array(LocationSchema) }) },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps.now);
      return { locations: await listLocations(db, ctx.principal.orgId) };
    },
  );
}
