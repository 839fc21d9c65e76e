import type { FastifyInstance } from 'fastify';

/** `GET /api/v1/openapi.json`: the OpenAPI description. Public: it describes the API and holds no data. */
export function openapiRoutes(app: FastifyInstance): void {
  app.get(
    '/openapi.json',
    {
      config: { auth: 'public' },
      schema: {
        summary: 'The OpenAPI 3.1 description of this API',
        tags: ['API description'],
      },
    },
    async () => app.swagger(),
  );
}
