import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RouteDeps } from '../../app';
import { OAuthError, issueToken } from '../../auth/clients';

const TokenBody = Type.Object({
  grant_type: Type.Optional(Type.String({ maxLength: 100 })),
  client_id: Type.Optional(Type.String({ maxLength: 200 })),
  client_secret: Type.Optional(Type.String({ maxLength: 200 })),
  scope: Type.Optional(Type.String({ maxLength: 2000 })),
});

/** Client credentials from HTTP Basic (client_secret_basic), the other way RFC 6749 allows. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/** `POST /oauth2/token`: OAuth 2.0 client credentials grant. Errors follow RFC 6749 §5.2. */
export function oauthRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/token',
    {
      config: { auth: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        summary: 'Get an access token (OAuth 2.0 client credentials grant)',
        tags: ['OAuth'],
        body: TokenBody,
      },
      attachValidation: true,
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      try {
        if (request.validationError) throw new OAuthError('invalid_request', 'The request body is not valid');
        let basic: ReturnType<typeof basicCredentials> = null;
        try {
          basic = basicCredentials(request.headers.authorization);
        } catch {
          throw new OAuthError('invalid_request', 'The Authorization header is not valid');
        }
        const body = request.body ?? {};
        return await issueToken(
          deps.handle.db,
          {
            ...body,
            client_id: basic?.id ?? body.client_id,
            client_secret: basic?.secret ?? body.client_secret,
          },
          deps.now(),
          deps.config.tokenTtlSeconds,
        );
      } catch (err) {
        if (!(err instanceof OAuthError)) throw err;
        if (err.error === 'invalid_client') void reply.header('www-authenticate', 'Basic realm="pathflow"');
        return reply.code(err.status).send({ error: err.error, error_description: err.description });
      }
    },
  );
}
