import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

// Placeholder while the feature is written.
export function utilisationRoutes(_base: FastifyInstance, _deps: RouteDeps): void {}
