/**
 * Authentication and authorisation for every route. Each route declares `config.auth`: `'public'`,
 * `'signed-in'` (any principal) or the permission it needs. A route that declares nothing is refused at
 * start-up, so nothing can be exposed by accident. Cookie sessions must send the CSRF header on writes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Permission } from '@pathflow/core';
import type { Database } from '../db/client';
import { resolveAccessToken } from '../auth/clients';
import type { Principal, RequestContext } from '../auth/principal';
import { SESSION_COOKIE, resolveSession, type SessionPolicy } from '../auth/sessions';
import { safeEqual } from '../auth/secrets';
import { writeAudit } from '../audit/audit';
import { AppError } from '../errors';

export type RouteAuth = 'public' | 'signed-in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyInstance {
    /** Every data route with what it requires: the permission matrix tests walk this list. */
    routeCatalogue: RouteInfo[];
  }
  interface FastifyRequest {
    principal: Principal | null;
    sessionExpiresAt: Date | null;
  }
}

export interface RouteInfo {
  method: string;
  url: string;
  auth: RouteAuth;
}

export interface AuthOptions {
  db: Database;
  now: () => Date;
  sessions: SessionPolicy;
}

export const API_PATH = /^\/(api|oauth2|fhir)(\/|$)/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionExpiresAt', null);

  const catalogue: RouteInfo[] = [];
  app.decorate('routeCatalogue', catalogue);
  app.addHook('onRoute', (route) => {
    // Static files of the web app are public; everything that serves data must say who may call it.
    if (!API_PATH.test(route.url) && !route.url.startsWith('/health')) return;
    const auth = route.config?.auth;
    if (auth === undefined)
      throw new Error(`Route ${String(route.method)} ${route.url} declares no config.auth`);
    for (const method of [route.method].flat())
      if (method !== 'HEAD') catalogue.push({ method, url: route.url, auth });
  });

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.routeOptions.config.auth ?? 'public';
    const now = options.now();
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      request.principal = await resolveAccessToken(options.db, header.slice(7).trim(), now);
      if (!request.principal && auth !== 'public') {
        void reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw new AppError('unauthenticated', 'The access token is not valid or has expired');
      }
    } else {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) {
        const resolved = await resolveSession(options.db, cookie, now, options.sessions);
        if (resolved) {
          request.principal = resolved.principal;
          request.sessionExpiresAt = resolved.expiresAt;
        }
      }
    }
    if (auth === 'public') return;
    const principal = request.principal;
    if (!principal)
      throw new AppError('unauthenticated', 'Sign in, or send a valid bearer token, to use this');
    if (principal.session && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, principal.session.csrfToken)) {
        throw new AppError(
          'csrf_failed',
          'The x-csrf-token header is missing or does not match your session',
        );
      }
    }
    if (auth !== 'signed-in' && !principal.permissions.has(auth)) {
      await writeAudit(options.db, actorFor(request, principal, now), [
        {
          action: 'access.denied',
          resourceType: auth.split('.')[0] ?? auth,
          outcome: 'denied',
          detail: { method: request.method, route: request.routeOptions.url ?? null, permission: auth },
        },
      ]);
      throw new AppError('forbidden', `Your role (${principal.role}) does not allow ${describe(auth)}`);
    }
  });
}

function describe(permission: Permission): string {
  const [resource, access] = permission.split('.');
  return `${access === 'read' ? 'reading' : 'changing'} ${resource} records`;
}

function actorFor(request: FastifyRequest, principal: Principal, now: Date) {
  return {
    orgId: principal.orgId,
    actorType: principal.kind,
    actorId: principal.id,
    actorRole: principal.role,
    clientAddress: request.ip,
    requestId: request.id,
    at: now,
  };
}

/** The request as a feature service sees it. Only for routes that need a principal. */
export function contextOf(request: FastifyRequest, now: () => Date): RequestContext {
  if (!request.principal) throw new AppError('unauthenticated', 'Sign in to continue');
  return { principal: request.principal, clientAddress: request.ip, requestId: request.id, now: now() };
}
