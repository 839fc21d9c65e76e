import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ROLE_LABELS, permissionsOf, type AuthProviders, type SessionInfo } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { audit } from '../../audit/audit';
import { SESSION_COOKIE, createSession, deleteSession } from '../../auth/sessions';
import { signIn } from '../../auth/sign-in';
import { getUser } from '../../auth/users';
import { eq } from 'drizzle-orm';
import { organisations } from '../../db/schema';
import type { Database } from '../../db/client';
import { AppError } from '../../errors';
import { contextOf } from '../../http/auth';

export async function sessionInfo(
  db: Database,
  orgId: string,
  userId: string,
  csrfToken: string,
  expiresAt: Date,
  idleMinutes: number,
): Promise<SessionInfo> {
  const user = await getUser(db, orgId, userId);
  const [org] = await db.select().from(organisations).where(eq(organisations.orgId, orgId));
  if (!user || !org) throw new AppError('unauthenticated', 'Sign in to continue');
  const role = user.role as keyof typeof ROLE_LABELS;
  return {
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role,
      roleLabel: ROLE_LABELS[role],
      permissions: [...permissionsOf(role)],
      organisation: { id: org.orgId, odsCode: org.odsCode, name: org.name },
    },
    csrfToken,
    expiresAt: expiresAt.toISOString(),
    idleTimeoutSeconds: idleMinutes * 60,
  };
}

export function setSessionCookie(reply: FastifyReply, deps: RouteDeps, value: string, expiresAt: Date): void {
  void reply.setCookie(SESSION_COOKIE, value, {
    httpOnly: true,
    secure: deps.config.cookieSecure,
    sameSite: 'strict',
    path: '/',
    expires: expiresAt,
  });
}

const SignInBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    organisation: Type.Optional(Type.String({ minLength: 3, maxLength: 10, pattern: '^[A-Za-z0-9]+$' })),
  },
  { additionalProperties: false },
);

export function authRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;
  const policy = { idleMinutes: deps.config.sessionIdleMinutes, maxHours: deps.config.sessionMaxHours };

  app.get(
    '/auth/providers',
    { config: { auth: 'public' }, schema: { summary: 'How staff can sign in', tags: ['Authentication'] } },
    async (): Promise<AuthProviders> => ({
      password: true,
      oidc: deps.config.oidc ? { label: deps.config.oidc.label, loginUrl: '/api/v1/auth/oidc/login' } : null,
    }),
  );

  app.post(
    '/auth/sign-in',
    {
      config: {
        auth: 'public',
        rateLimit: { max: deps.config.signInRateLimitPerMinute, timeWindow: 60_000 },
      },
      schema: { summary: 'Sign in with a username and password', tags: ['Authentication'], body: SignInBody },
    },
    async (request, reply) => {
      const now = deps.now();
      const user = await signIn(
        db,
        { ...request.body, clientAddress: request.ip, requestId: request.id, now },
        { threshold: deps.config.lockoutThreshold, minutes: deps.config.lockoutMinutes },
      );
      const session = await createSession(db, user, now, policy);
      setSessionCookie(reply, deps, session.cookieValue, session.expiresAt);
      return sessionInfo(db, user.orgId, user.id, session.csrfToken, session.expiresAt, policy.idleMinutes);
    },
  );

  app.get(
    '/auth/session',
    {
      config: { auth: 'signed-in' },
      schema: { summary: 'The current session and its CSRF token', tags: ['Authentication'] },
    },
    async (request) => {
      const principal = request.principal!;
      if (!principal.session || !request.sessionExpiresAt) {
        throw new AppError('forbidden', 'Only a signed-in member of staff has a session');
      }
      return sessionInfo(
        db,
        principal.orgId,
        principal.id,
        principal.session.csrfToken,
        request.sessionExpiresAt,
        policy.idleMinutes,
      );
    },
  );

  app.post(
    '/auth/sign-out',
    { config: { auth: 'signed-in' }, schema: { summary: 'Sign out', tags: ['Authentication'] } },
    async (request, reply) => {
      const ctx = contextOf(request, deps.now);
      if (ctx.principal.session) {
        await deleteSession(db, ctx.principal.orgId, ctx.principal.session.id);
        await audit(db, ctx, {
          action: 'auth.sign-out',
          resourceType: 'StaffUser',
          resourceId: ctx.principal.id,
        });
      }
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );
}
