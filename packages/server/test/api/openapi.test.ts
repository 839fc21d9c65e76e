/**
 * The OpenAPI description: served publicly, a valid OpenAPI 3.1 document (checked against the official schema),
 * covering every route the app serves with its security and its problem+json errors, and describing success
 * responses that match what the routes really send.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { PERMISSIONS, RTT_STATUS_CODES, isoToEpochDay, nhsNumberFromStem, scopeOf } from '@pathflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED_RESPONSES } from '../../src/features/openapi/responses';
import { createHarness, type Harness } from '../support/app';

interface Operation {
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<
    string,
    {
      description: string;
      content?: Record<string, { schema: { $ref?: string; allOf?: { $ref?: string }[] } }>;
    }
  >;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties: Record<string, unknown> }>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('GET /api/v1/openapi.json', () => {
  let h: Harness;
  let doc: OpenApiDocument;
  beforeAll(async () => {
    h = await createHarness('pglite');
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    doc = res.json<OpenApiDocument>();
  });
  afterAll(() => h.close());

  it('is a valid OpenAPI 3.1 document, served without credentials', async () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBe('Pathflow API');
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes both ways to authenticate', () => {
    const { session, csrf, oauth2 } = doc.components.securitySchemes;
    expect(session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'pathflow_session' });
    expect(csrf).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-csrf-token' });
    expect(oauth2).toMatchObject({
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: '/oauth2/token' } },
    });
    const scopes = (oauth2 as { flows: { clientCredentials: { scopes: Record<string, string> } } }).flows
      .clientCredentials.scopes;
    expect(Object.keys(scopes).sort()).toEqual(PERMISSIONS.map(scopeOf).sort());
    const token = doc.paths['/oauth2/token']?.post;
    expect(Object.keys(token?.requestBody?.content ?? {})).toEqual([
      'application/x-www-form-urlencoded',
      'application/json',
    ]);
    expect(token?.security).toEqual([]);
  });

  it('covers every route the app serves, with a summary, tags, security and problem+json errors', () => {
    expect(h.app.routeCatalogue.length).toBeGreaterThan(10);
    for (const route of h.app.routeCatalogue) {
      const label = `${route.method} ${route.url}`;
      const op = doc.paths[openapiPath(route.url)]?.[route.method.toLowerCase()];
      // The FHIR API is described by its own CapabilityStatement (GET /fhir/R4/metadata), not here.
      if (route.url.startsWith('/fhir/')) {
        expect(op, `${label} is FHIR: not in this document`).toBeUndefined();
        continue;
      }
      expect(op, `${label} is not in the document`).toBeDefined();
      if (!op) continue;
      expect(op.summary, label).toEqual(expect.any(String));
      expect(op.tags?.length, label).toBeGreaterThan(0);
      if (route.auth === 'public') expect(op.security, label).toEqual([]);
      else {
        const scopes = op.security?.find((s) => 'oauth2' in s)?.oauth2;
        expect(scopes, label).toEqual(route.auth === 'signed-in' ? [] : [scopeOf(route.auth)]);
        const session = op.security?.find((s) => 'session' in s);
        expect(session && 'csrf' in session, label).toBe(route.method !== 'GET');
        expect(Object.keys(op.responses), label).toEqual(expect.arrayContaining(['401', '403']));
      }
      expect(
        Object.keys(op.responses).some((s) => s.startsWith('2') || s.startsWith('3')),
        label,
      ).toBe(true);
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || route.url === '/oauth2/token') continue;
        // The shared Problem, alone or with extension members of the route's own (allOf).
        const schema = response.content?.['application/problem+json']?.schema;
        expect(schema?.allOf?.[0] ?? schema, `${label} ${status}`).toEqual({
          $ref: '#/components/schemas/Problem',
        });
      }
    }
  });

  it('has the RFC 9457 problem schema, with the RTT rule member', () => {
    expect(Object.keys(doc.components.schemas.Problem!.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'errors', 'rule']),
    );
  });

  it('documents POST /api/v1/rtt/evaluate: its request body, its result and its 422', () => {
    const op = doc.paths['/api/v1/rtt/evaluate']?.post;
    expect(op?.summary).toBeDefined();
    const body = op!.requestBody!.content['application/json']!.schema as {
      required: string[];
      properties: { events: { maxItems: number; items: { properties: { code: { enum: string[] } } } } };
    };
    expect(body.required.sort()).toEqual(['asOf', 'events', 'priority', 'referralReceived']);
    expect(body.properties.events.maxItems).toBe(500);
    expect(body.properties.events.items.properties.code.enum).toEqual(RTT_STATUS_CODES);
    expect(Object.keys(body.properties.events.items.properties)).toContain('dnaDate');
    expect(op!.responses['200']!.content!['application/json']!.schema).toMatchObject({
      required: ['periods', 'current'],
    });
    expect(op!.responses['422']!.content!['application/problem+json']!.schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
  });

  describe('documented success responses match what the routes send', () => {
    beforeAll(() => {
      const set = (name: string, check: (s: string) => boolean) => {
        if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);
      };
      set('uuid', (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s));
      set('date', (s) => !Number.isNaN(isoToEpochDay(s)));
      set('date-time', (s) => !Number.isNaN(Date.parse(s)));
    });

    const check = (key: string, status: number, payload: unknown) => {
      const schema = DOCUMENTED_RESPONSES[key]?.[status]?.content?.['application/json']?.schema as TSchema;
      expect(schema, `${key} ${status} is not documented`).toBeDefined();
      const errors = [...Value.Errors(schema, payload)].map((e) => `${e.path}: ${e.message}`);
      expect(errors, `${key} ${status}`).toEqual([]);
    };

    it('for each route', async () => {
      const clerk = await h.signIn('booking-clerk');
      const admin = await h.signIn('admin');
      const get = async (url: string, headers: Record<string, string>, status = 200) => {
        const res = await h.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, res.body).toBe(status);
        return res.json();
      };
      const post = async (url: string, headers: Record<string, string>, payload: object, status: number) => {
        const res = await h.app.inject({ method: 'POST', url, headers, payload });
        expect(res.statusCode, res.body).toBe(status);
        return res.json();
      };
      check('GET /health/live', 200, await get('/health/live', {}));
      check('GET /health/ready', 200, await get('/health/ready', {}));
      check('GET /api/v1/auth/providers', 200, await get('/api/v1/auth/providers', {}));
      check('GET /api/v1/auth/session', 200, await get('/api/v1/auth/session', clerk.read));
      check('GET /api/v1/specialties', 200, await get('/api/v1/specialties', clerk.read));
      check('GET /api/v1/patients', 200, await get('/api/v1/patients?nhsNumber=9990000018', clerk.read));
      check(
        'GET /api/v1/patients/:id',
        200,
        await get(`/api/v1/patients/${h.fixture.patients.alice}`, clerk.read),
      );
      check(
        'POST /api/v1/patients',
        201,
        await post(
          '/api/v1/patients',
          clerk.write,
          {
            nhsNumber: nhsNumberFromStem('999300001') ?? nhsNumberFromStem('999300002'),
            givenName: 'Doc',
            familyName: 'Umented',
            dateOfBirth: '1980-01-01',
            sex: 'unknown',
            address: { line1: '1 Road', town: 'Leeds', postcode: 'LS1 1AA' },
          },
          201,
        ),
      );
      check('GET /api/v1/users', 200, await get('/api/v1/users', admin.read));
      check(
        'POST /api/v1/users',
        201,
        await post(
          '/api/v1/users',
          admin.write,
          { username: 'doc.user', displayName: 'Doc User', role: 'clinician', password: 'A-long-password-1' },
          201,
        ),
      );
      check('GET /api/v1/audit', 200, await get('/api/v1/audit', admin.read));
      const token = await h.app.inject({
        method: 'POST',
        url: '/oauth2/token',
        payload: { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' },
      });
      check('POST /oauth2/token', 401, token.json());
    });
  });
});
