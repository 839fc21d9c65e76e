/**
 * The FHIR R4 API at /fhir/R4 (nhs-domain.md §7.1): JSON only (`application/fhir+json`), the same sessions,
 * tokens, roles and audit as /api/v1, with SMART-style scopes for machine clients (`system/Slot.read` …,
 * core `access/permissions.ts`). Every resource type is a module (`module.ts`); its read, search, create,
 * update and patch routes are made here from the module, and so is the CapabilityStatement. Every error is an
 * OperationOutcome naming the element or parameter at fault; a write that fails changes nothing.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FhirResource as Resource } from 'fhir/r4';
import type { RouteDeps } from '../../app';
import { AppError } from '../../errors';
import { contextOf } from '../../http/auth';
import { safeErrorForLog } from '../../http/problems';
import { capabilityStatement, smartConfiguration } from './capability';
import { baseUrlOf, searchsetBundle } from './bundle';
import type { FhirResourceModule } from './module';
import {
  FhirError,
  fhirInvalid,
  fhirNotFound,
  fromAppError,
  fromFastifyError,
  operationOutcome,
} from './outcome';
import { FHIR_BASE_PATH, etagOf, isUuid, versionFromIfMatch } from './resource';
import { SearchParams, type RawQuery } from './search';

export const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

function sendOutcome(reply: FastifyReply, err: FhirError): FastifyReply {
  if (err.headers) void reply.headers(err.headers);
  return reply.code(err.status).type(FHIR_CONTENT_TYPE).send(operationOutcome(err.issues));
}

function toFhirError(error: unknown, request: FastifyRequest): FhirError {
  if (error instanceof FhirError) return error;
  if (error instanceof AppError) return fromAppError(error);
  const fe = error as FastifyError;
  const fastify = fromFastifyError(fe);
  if (fastify) return fastify;
  request.log.error({ err: safeErrorForLog(error) }, 'unexpected error');
  return new FhirError(500, {
    code: 'exception',
    diagnostics: `Something went wrong on our side. Quote reference ${request.id} if you report it.`,
  });
}

function sendResource(reply: FastifyReply, resource: Resource, status = 200): FastifyReply {
  const meta = resource.meta;
  if (meta?.versionId) void reply.header('etag', etagOf(meta.versionId));
  if (meta?.lastUpdated) void reply.header('last-modified', new Date(meta.lastUpdated).toUTCString());
  return reply.code(status).type(FHIR_CONTENT_TYPE).send(resource);
}

/** A FHIR id, and one of this type's shape (a UUID unless the module says): any other is simply not found. */
function checkId(id: string, mod: FhirResourceModule): string {
  if (!ID.test(id)) throw fhirInvalid('id', `"${id}" is not a FHIR id (1 to 64 letters, digits, - or .)`);
  if (mod.idPattern ? !mod.idPattern.test(id) : !isUuid(id)) throw fhirNotFound(mod.type, id);
  return mod.idPattern ? id : id.toLowerCase();
}

/** The body of a create or update: a JSON object of the route's resource type, and for an update its id. */
function resourceBody(body: unknown, type: string, id?: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FhirError(400, {
      code: 'structure',
      diagnostics: `The body must be a ${type} resource in JSON`,
    });
  }
  const resource = body as Record<string, unknown>;
  if (resource.resourceType !== type) {
    throw fhirInvalid(
      'resourceType',
      `resourceType must be "${type}" here, not ${JSON.stringify(resource.resourceType ?? null)}`,
    );
  }
  if (id !== undefined && resource.id !== id) {
    throw fhirInvalid(`${type}.id`, `${type}.id must be "${id}", the id in the URL`);
  }
  return resource;
}

const strict = (request: FastifyRequest): boolean =>
  /handling\s*=\s*strict/.test(String(request.headers.prefer ?? ''));

export function fhirRoutes(
  fhir: FastifyInstance,
  deps: RouteDeps,
  modules: readonly FhirResourceModule[],
): void {
  const db = deps.handle.db;
  const started = deps.now();

  fhir.addContentTypeParser(
    ['application/fhir+json', 'application/json-patch+json'],
    { parseAs: 'string' },
    fhir.getDefaultJsonParser('error', 'error'),
  );
  fhir.setErrorHandler((error, request, reply) => sendOutcome(reply, toFhirError(error, request)));
  fhir.setNotFoundHandler((request, reply) =>
    sendOutcome(
      reply,
      new FhirError(404, {
        code: 'not-supported',
        diagnostics: `There is no ${request.method} ${request.url.split('?')[0]}: GET ${FHIR_BASE_PATH}/metadata says what this server offers`,
      }),
    ),
  );
  fhir.addHook('onSend', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
  });

  fhir.get('/metadata', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) =>
    reply.type(FHIR_CONTENT_TYPE).send(capabilityStatement(baseUrlOf(request), modules, started)),
  );
  fhir.get(
    '/.well-known/smart-configuration',
    { config: { auth: 'public' }, schema: { hide: true } },
    async (request, reply) => reply.type('application/json').send(smartConfiguration(request, modules)),
  );

  for (const mod of modules) {
    const { type } = mod;
    const known = mod.searchParams.map((p) => p.name);
    fhir.get(`/${type}`, { config: { auth: mod.read }, schema: { hide: true } }, async (request, reply) => {
      const ctx = contextOf(request, deps.now);
      const params = new SearchParams(request.query as RawQuery, known, strict(request));
      const page = await mod.search(db, ctx, params);
      return reply
        .type(FHIR_CONTENT_TYPE)
        .send(searchsetBundle(baseUrlOf(request), type, params, page, ctx.now));
    });
    fhir.get<{ Params: { id: string } }>(
      `/${type}/:id`,
      { config: { auth: mod.read }, schema: { hide: true } },
      async (request, reply) => {
        const { id } = request.params;
        const resource = await mod.readById(db, contextOf(request, deps.now), checkId(id, mod));
        if (!resource) throw fhirNotFound(type, id);
        return sendResource(reply, resource);
      },
    );
    fhir.get<{ Params: { id: string; vid: string } }>(
      `/${type}/:id/_history/:vid`,
      { config: { auth: mod.read }, schema: { hide: true } },
      async (request, reply) => {
        const { id, vid } = request.params;
        const resource = await mod.readById(db, contextOf(request, deps.now), checkId(id, mod));
        if (!resource) throw fhirNotFound(type, id);
        if (resource.meta?.versionId !== vid) {
          throw new FhirError(404, {
            code: 'not-found',
            diagnostics: `${type}/${id} is at version ${resource.meta?.versionId ?? '?'}: only the current version is kept`,
          });
        }
        return sendResource(reply, resource);
      },
    );
    const write = mod.write;
    if (write && mod.create) {
      const create = mod.create.bind(mod);
      fhir.post(`/${type}`, { config: { auth: write }, schema: { hide: true } }, async (request, reply) => {
        const ctx = contextOf(request, deps.now);
        const result = await create(db, ctx, resourceBody(request.body, type), request);
        const vid = result.resource.meta?.versionId ?? '1';
        void reply.header('location', `${baseUrlOf(request)}/${type}/${result.resource.id}/_history/${vid}`);
        return sendResource(reply, result.resource, result.status);
      });
    }
    if (write && mod.update) {
      const update = mod.update.bind(mod);
      fhir.put<{ Params: { id: string } }>(
        `/${type}/:id`,
        { config: { auth: write }, schema: { hide: true } },
        async (request, reply) => {
          const { id } = request.params;
          const own = checkId(id, mod);
          const version = versionFromIfMatch(request.headers['if-match']);
          const ctx = contextOf(request, deps.now);
          const result = await update(db, ctx, own, resourceBody(request.body, type, id), version);
          return sendResource(reply, result.resource, result.status);
        },
      );
    }
    if (write && mod.patch) {
      const patch = mod.patch.bind(mod);
      fhir.patch<{ Params: { id: string } }>(
        `/${type}/:id`,
        { config: { auth: write }, schema: { hide: true } },
        async (request, reply) => {
          const { id } = request.params;
          const own = checkId(id, mod);
          if (!String(request.headers['content-type'] ?? '').startsWith('application/json-patch+json')) {
            throw new FhirError(415, {
              code: 'not-supported',
              diagnostics: 'PATCH takes a JSON Patch (Content-Type: application/json-patch+json)',
            });
          }
          if (!Array.isArray(request.body)) {
            throw new FhirError(400, {
              code: 'structure',
              diagnostics: 'A JSON Patch is an array of operations',
            });
          }
          const version = versionFromIfMatch(request.headers['if-match']);
          const ctx = contextOf(request, deps.now);
          const result = await patch(db, ctx, own, request.body as unknown[], version);
          return sendResource(reply, result.resource, result.status);
        },
      );
    }
  }
}
