import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../app';

// Placeholder while the feature is written (replaced in this change).
export function timerRoutes(_base: FastifyInstance, _deps: RouteDeps): void {}
