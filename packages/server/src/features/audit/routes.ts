import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuditRecord } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { queryAudit } from '../../audit/audit';
import { contextOf } from '../../http/auth';
import { invalid } from '../../errors';

/** `GET /api/v1/audit`: the audit trail, newest first, for administrators. */
export function auditRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/audit',
    {
      config: { auth: 'AuditEvent.read' },
      schema: {
        summary: 'Search the audit trail, newest first',
        tags: ['Audit'],
        querystring: Type.Object(
          {
            patientId: Type.Optional(Type.String({ format: 'uuid' })),
            actorId: Type.Optional(Type.String({ maxLength: 100 })),
            action: Type.Optional(Type.String({ maxLength: 100 })),
            resourceType: Type.Optional(Type.String({ maxLength: 100 })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            before: Type.Optional(Type.Integer({ minimum: 1 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps.now);
      const q = request.query;
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? new Date(q.to) : undefined;
      if (from && to && from >= to) throw invalid('/query/to', 'to must be after from');
      const rows = await queryAudit(deps.handle.db, ctx.principal.orgId, { ...q, from, to });
      const records: AuditRecord[] = rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actorType: r.actorType,
        actorId: r.actorId,
        actorRole: r.actorRole,
        action: r.action,
        resourceType: r.resourceType,
        resourceId: r.resourceId,
        patientId: r.patientId,
        outcome: r.outcome,
        clientAddress: r.clientAddress,
        requestId: r.requestId,
      }));
      const last = records.at(-1);
      return { records, next: records.length === q.limit && last ? `/api/v1/audit?before=${last.id}` : null };
    },
  );
}
