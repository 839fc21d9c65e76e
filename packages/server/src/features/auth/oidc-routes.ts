/**
 * Single sign-on for staff through an OpenID Connect provider (see auth/oidc.ts). Both routes are public: the
 * login route sends the browser to the provider, the callback signs the member of staff in exactly as a password
 * sign-in does (a session cookie) and sends them to the web app.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../../app';
import { OIDC_TRANSACTION_COOKIE, OidcClient, OidcError, signInWithOidc } from '../../auth/oidc';
import { createSession } from '../../auth/sessions';
import { AppError } from '../../errors';
import { setSessionCookie } from './routes';

export function oidcRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const db = deps.handle.db;
  const policy = { idleMinutes: deps.config.sessionIdleMinutes, maxHours: deps.config.sessionMaxHours };
  const client = deps.config.oidc ? new OidcClient(deps.config.oidc) : undefined;
  // The transaction cookie goes back to the callback only.
  const cookiePath = `${app.prefix}/auth/oidc`;
  const rateLimit = { max: deps.config.signInRateLimitPerMinute, timeWindow: 60_000 };

  const configured = (): OidcClient => {
    if (!client) throw new AppError('oidc_not_configured', 'Single sign-on is not set up for this Pathflow');
    return client;
  };

  const logFailure = (request: FastifyRequest, err: unknown): void => {
    if (err instanceof OidcError) request.log.warn({ reason: err.reason }, 'single sign-on failed');
  };

  app.get(
    '/auth/oidc/login',
    {
      config: { auth: 'public', rateLimit },
      schema: { summary: 'Start single sign-on with the identity provider', tags: ['Authentication'] },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const oidc = configured();
      try {
        const login = await oidc.beginLogin(deps.now());
        void reply.setCookie(OIDC_TRANSACTION_COOKIE, login.transaction, {
          httpOnly: true,
          secure: deps.config.cookieSecure,
          // Lax, not Strict: the provider sends the browser back with a cross-site top-level GET.
          sameSite: 'lax',
          path: cookiePath,
          maxAge: login.maxAgeSeconds,
        });
        return reply.redirect(login.authorizationUrl, 302);
      } catch (err) {
        logFailure(request, err);
        throw err;
      }
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      config: { auth: 'public', rateLimit },
      schema: { summary: 'Single sign-on callback from the identity provider', tags: ['Authentication'] },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const oidc = configured();
      // A transaction is good for one callback, whatever its outcome.
      void reply.clearCookie(OIDC_TRANSACTION_COOKIE, {
        httpOnly: true,
        secure: deps.config.cookieSecure,
        sameSite: 'lax',
        path: cookiePath,
      });
      const now = deps.now();
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      try {
        const identity = await oidc.completeLogin(request.cookies[OIDC_TRANSACTION_COOKIE], query, now);
        const user = await signInWithOidc(db, identity, {
          clientAddress: request.ip,
          requestId: request.id,
          now,
        });
        const session = await createSession(db, user, now, policy);
        setSessionCookie(reply, deps, session.cookieValue, session.expiresAt);
        return reply.redirect('/', 302);
      } catch (err) {
        // Provider and library errors arrive here as OidcError, with a plain message; anything else is ours (500).
        logFailure(request, err);
        // A person in a browser goes back to the sign-in page, which explains; an API client gets the problem.
        if (err instanceof AppError && err.status < 500 && request.headers.accept?.includes('text/html')) {
          return reply.redirect('/sign-in?sso=failed', 302);
        }
        throw err;
      }
    },
  );
}
