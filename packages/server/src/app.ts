/**
 * The app factory: builds a Fastify instance around a database handle and configuration. Tests call it with
 * an in-memory database and `app.inject()`; `pathflow start` calls it and listens.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config';
import type { DatabaseHandle } from './db/client';
import { AppError } from './errors';
import { registerAuth } from './http/auth';
import { registerErrorHandling, sendProblem } from './http/problems';
import { refuseNonFiniteQuery } from './http/finite-query';
import { allocationRoutes } from './features/allocation/routes';
import { auditRoutes } from './features/audit/routes';
import { bookingRoutes } from './features/booking/routes';
import { clinicRoutes } from './features/clinics/routes';
import { authRoutes } from './features/auth/routes';
import { oidcRoutes } from './features/auth/oidc-routes';
import { healthRoutes } from './features/health/routes';
import { oauthRoutes } from './features/oauth/routes';
import { offerRoutes } from './features/offers/routes';
import { registerOpenApi } from './features/openapi/plugin';
import { openapiRoutes } from './features/openapi/routes';
import { patientRoutes } from './features/patients/routes';
import { pathwayRoutes } from './features/pathways/routes';
import { ptlRoutes } from './features/ptl/routes';
import { referenceRoutes } from './features/reference/routes';
import { referralRoutes } from './features/referrals/routes';
import { rttRoutes } from './features/rtt/routes';
import { slotSearchRoutes } from './features/slots/routes';
import { specialtyRoutes } from './features/specialties/routes';
import { staffRoutes } from './features/staff/routes';
import { timerRoutes } from './features/timers/routes';
import { unavailabilityRoutes } from './features/unavailability/routes';
import { utilisationRoutes } from './features/utilisation/routes';
import { validationRoutes } from './features/validation/routes';
import { taskRoutes } from './features/tasks/routes';
import { communicationRoutes } from './features/communications/routes';
import { accessPolicyRoutes } from './features/access-policy/routes';
import { partialBookingRoutes } from './features/partial-booking/routes';
import { pifuRoutes } from './features/pifu/routes';
import { followUpRoutes } from './features/follow-ups/routes';
import { shortNoticeRoutes } from './features/short-notice/routes';
import { printBatchRoutes } from './features/print-batches/routes';
import { supportRequestRoutes } from './features/support-requests/routes';
import { patientRecordRoutes } from './features/patient-record/routes';
import { savedViewRoutes } from './features/saved-views/routes';
import { receptionRoutes } from './features/reception/routes';
import { dashboardRoutes } from './features/dashboard/routes';
import { forecastRoutes } from './features/forecast/routes';
import { capacityRoutes } from './features/capacity/routes';
import { weeklyPackRoutes } from './features/weekly-pack/routes';
import { staffMessageRoutes } from './features/staff-messages/routes';
import { dataExchangeRoutes } from './features/data-exchange/routes';
import { fhirRoutes } from './features/fhir/routes';
import { FHIR_MODULES } from './features/fhir/resources';
import { FHIR_BASE_PATH } from './features/fhir/resource';

export interface AppDeps {
  handle: DatabaseHandle;
  config: Config;
  /** The clock; tests pass a controllable one. */
  now?: () => Date;
  /** Fastify logger options; false in tests. */
  logger?: FastifyServerOptions['logger'];
}

export interface RouteDeps {
  handle: DatabaseHandle;
  config: Config;
  now: () => Date;
}

/** Log lines carry method, path (no query string: it may hold an NHS number), status and timing only. */
export const LOG_REDACTION = {
  paths: [
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["x-csrf-token"]',
    'res.headers["set-cookie"]',
  ],
  censor: '[redacted]',
};

export async function buildApp(deps: AppDeps) {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1_048_576,
    trustProxy: process.env.PATHFLOW_TRUST_PROXY === 'true',
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/') || request.url.startsWith('/oauth2/')) {
      void reply.header('cache-control', 'no-store');
    }
  });

  registerErrorHandling(app);
  refuseNonFiniteQuery(app);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) =>
      new AppError(
        'rate_limited',
        `Too many attempts. Try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
        {
          headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
        },
      ),
  });

  const routeDeps: RouteDeps = { handle: deps.handle, config: deps.config, now };
  registerAuth(app, {
    db: deps.handle.db,
    now,
    sessions: { idleMinutes: deps.config.sessionIdleMinutes, maxHours: deps.config.sessionMaxHours },
  });

  // Before any route: the OpenAPI description collects the routes as they are added.
  await registerOpenApi(app);

  await app.register(
    async (scoped) => {
      healthRoutes(scoped, routeDeps);
    },
    { prefix: '/health' },
  );
  await app.register(async (scoped) => oauthRoutes(scoped, routeDeps), { prefix: '/oauth2' });
  await app.register(
    async (api) => {
      authRoutes(api, routeDeps);
      oidcRoutes(api, routeDeps);
      specialtyRoutes(api, routeDeps);
      referenceRoutes(api, routeDeps);
      patientRoutes(api, routeDeps);
      pathwayRoutes(api, routeDeps);
      ptlRoutes(api, routeDeps);
      referralRoutes(api, routeDeps);
      validationRoutes(api, routeDeps);
      timerRoutes(api, routeDeps);
      clinicRoutes(api, routeDeps);
      bookingRoutes(api, routeDeps);
      slotSearchRoutes(api, routeDeps);
      unavailabilityRoutes(api, routeDeps);
      offerRoutes(api, routeDeps);
      allocationRoutes(api, routeDeps);
      utilisationRoutes(api, routeDeps);
      taskRoutes(api, routeDeps);
      communicationRoutes(api, routeDeps);
      accessPolicyRoutes(api, routeDeps);
      partialBookingRoutes(api, routeDeps);
      pifuRoutes(api, routeDeps);
      followUpRoutes(api, routeDeps);
      shortNoticeRoutes(api, routeDeps);
      printBatchRoutes(api, routeDeps);
      supportRequestRoutes(api, routeDeps);
      patientRecordRoutes(api, routeDeps);
      savedViewRoutes(api, routeDeps);
      receptionRoutes(api, routeDeps);
      dashboardRoutes(api, routeDeps);
      forecastRoutes(api, routeDeps);
      capacityRoutes(api, routeDeps);
      weeklyPackRoutes(api, routeDeps);
      staffMessageRoutes(api, routeDeps);
      dataExchangeRoutes(api, routeDeps);
      staffRoutes(api, routeDeps);
      auditRoutes(api, routeDeps);
      rttRoutes(api);
      openapiRoutes(api);
    },
    { prefix: '/api/v1' },
  );

  await app.register(async (fhir) => fhirRoutes(fhir, routeDeps, FHIR_MODULES), { prefix: FHIR_BASE_PATH });

  await registerWebApp(app, deps.config.webDist);
  return app;
}

/** Serves the built web app, with the single-page app's index for any other GET outside the API. */
async function registerWebApp(app: FastifyInstance, webDist: string): Promise<void> {
  const built = existsSync(join(webDist, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const isApi = /^\/(api|oauth2|fhir|health)(\/|$)/.test(path);
    if (request.method === 'GET' && !isApi) {
      if (built) return reply.type('text/html').sendFile('index.html');
      return reply
        .type('text/plain')
        .send('The web app has not been built. Run "npm run build" (npm start does this for you).');
    }
    return sendProblem(reply, new AppError('not_found', `There is no ${request.method} ${path}`));
  });
}
