import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { COMMUNICATION_NEEDS, SEXES, VULNERABILITIES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { contextOf } from '../../http/auth';
import { createPatient, getPatient, searchPatients, updatePatient } from './service';
import { IsoDate } from '../../http/schemas';

const Name = Type.String({ minLength: 1, maxLength: 100 });

const Vulnerabilities = Type.Array(Type.Union(VULNERABILITIES.map((v) => Type.Literal(v))), {
  maxItems: 3,
  description: 'Why an adult is vulnerable: never discharged automatically after a missed appointment',
});
const ShortNotice = Type.Boolean({ description: 'The patient has said they can come at short notice' });

const NewPatientBody = Type.Object(
  {
    nhsNumber: Type.String({ minLength: 10, maxLength: 13 }),
    mrn: Type.Optional(Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9]+$' })),
    title: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    givenName: Name,
    familyName: Name,
    dateOfBirth: IsoDate,
    sex: Type.Union(SEXES.map((s) => Type.Literal(s))),
    address: Type.Object(
      {
        line1: Type.String({ minLength: 1, maxLength: 200 }),
        line2: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
        town: Type.String({ minLength: 1, maxLength: 100 }),
        postcode: Type.String({ minLength: 5, maxLength: 10 }),
      },
      { additionalProperties: false },
    ),
    phone: Type.Optional(Type.Union([Type.String({ pattern: '^\\+?[0-9 ]{10,16}$' }), Type.Null()])),
    email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()])),
    gpPracticeCode: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Z][0-9]{5}$' }), Type.Null()])),
    interpreterLanguage: Type.Optional(
      Type.Union([Type.String({ minLength: 2, maxLength: 50 }), Type.Null()]),
    ),
    communicationNeeds: Type.Optional(
      Type.Array(Type.Union(COMMUNICATION_NEEDS.map((c) => Type.Literal(c))), { maxItems: 8 }),
    ),
    transportEligible: Type.Optional(Type.Boolean()),
    vulnerabilities: Type.Optional(Vulnerabilities),
    shortNotice: Type.Optional(ShortNotice),
  },
  { additionalProperties: false },
);

const PatientChangesBody = Type.Object(
  {
    phone: Type.Optional(NewPatientBody.properties.phone),
    email: Type.Optional(NewPatientBody.properties.email),
    interpreterLanguage: Type.Optional(NewPatientBody.properties.interpreterLanguage),
    communicationNeeds: Type.Optional(NewPatientBody.properties.communicationNeeds),
    transportEligible: Type.Optional(Type.Boolean()),
    vulnerabilities: Type.Optional(Vulnerabilities),
    shortNotice: Type.Optional(ShortNotice),
  },
  { additionalProperties: false },
);

export function patientRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/patients',
    {
      config: { auth: 'Patient.read' },
      schema: {
        summary: 'Find patients by NHS number, or by family name and date of birth',
        tags: ['Patients'],
        querystring: Type.Object(
          {
            nhsNumber: Type.Optional(Type.String({ maxLength: 13 })),
            family: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
            birthDate: Type.Optional(IsoDate),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ patients: await searchPatients(db, contextOf(request, deps.now), request.query) }),
  );

  app.get(
    '/patients/:id',
    {
      config: { auth: 'Patient.read' },
      schema: {
        summary: 'Get a patient',
        tags: ['Patients'],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      },
    },
    async (request) => getPatient(db, contextOf(request, deps.now), request.params.id),
  );

  app.patch(
    '/patients/:id',
    {
      config: { auth: 'Patient.write' },
      schema: {
        summary: "Change a patient's contact details, communication needs and flags",
        tags: ['Patients'],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: PatientChangesBody,
      },
    },
    async (request) => updatePatient(db, contextOf(request, deps.now), request.params.id, request.body),
  );

  app.post(
    '/patients',
    {
      config: { auth: 'Patient.write' },
      schema: { summary: 'Register a patient', tags: ['Patients'], body: NewPatientBody },
    },
    async (request, reply) => {
      const patient = await createPatient(db, contextOf(request, deps.now), request.body);
      return reply.code(201).header('location', `/api/v1/patients/${patient.id}`).send(patient);
    },
  );
}
