/**
 * Ajv, coercing the query string, turns "Infinity" into a number that passes `integer` with any `maximum`
 * (`?offset=Infinity` reached the handler as Infinity and ended in a 500). This hook refuses a non-finite value
 * for any query parameter whose schema is a number or an integer, naming it as the validator would.
 */
import type { FastifyInstance } from 'fastify';
import { invalid } from '../errors';

const NOT_FINITE = /^\s*[+-]?(infinity|nan)\s*$/i;

interface PropertySchema {
  type?: unknown;
}

const isNumeric = (schema: PropertySchema | undefined) =>
  schema?.type === 'integer' || schema?.type === 'number';

export function refuseNonFiniteQuery(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const properties = (
      request.routeOptions.schema?.querystring as { properties?: Record<string, PropertySchema> } | undefined
    )?.properties;
    if (!properties) return;
    const query = request.query as Record<string, unknown>;
    for (const [key, value] of Object.entries(query)) {
      const values = Array.isArray(value) ? value : [value];
      if (isNumeric(properties[key]) && values.some((v) => typeof v === 'string' && NOT_FINITE.test(v))) {
        throw invalid(`/query/${key}`, `${key} must be a whole number`);
      }
    }
  });
}
