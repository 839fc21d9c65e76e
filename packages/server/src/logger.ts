import type { FastifyServerOptions } from 'fastify';
import { LOG_REDACTION } from './app';

/**
 * Fastify's logger for a running server: JSON lines (pino). Requests are logged by method and path only:
 * query strings may carry NHS numbers or names, so they never reach the log.
 */
export function serverLogger(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: LOG_REDACTION,
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
    },
  };
}
