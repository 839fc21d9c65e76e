/** HTTP routes for print batches: a day's letters for the print-and-post provider. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

export function printBatchRoutes(_base: FastifyInstance, _deps: RouteDeps): void {
  // Routes are added here.
}
