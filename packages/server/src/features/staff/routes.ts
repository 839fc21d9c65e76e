import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { asc, eq } from 'drizzle-orm';
import { ROLES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { audit } from '../../audit/audit';
import { createUser } from '../../auth/users';
import { staffUsers } from '../../db/schema';
import { contextOf } from '../../http/auth';
import { underField } from '../../errors';

/** Staff accounts: listed by team leaders, managers and admins; created by admins. */
export function staffRoutes(base: FastifyInstance, deps: RouteDeps): void {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const db = deps.handle.db;

  app.get(
    '/users',
    { config: { auth: 'Staff.read' }, schema: { summary: 'List staff accounts', tags: ['Staff'] } },
    async (request) => {
      const ctx = contextOf(request, deps.now);
      const rows = await db
        .select({
          id: staffUsers.id,
          username: staffUsers.username,
          displayName: staffUsers.displayName,
          role: staffUsers.role,
          active: staffUsers.active,
        })
        .from(staffUsers)
        .where(eq(staffUsers.orgId, ctx.principal.orgId))
        .orderBy(asc(staffUsers.username));
      return { users: rows };
    },
  );

  app.post(
    '/users',
    {
      config: { auth: 'Staff.write' },
      schema: {
        summary: 'Create a staff account',
        tags: ['Staff'],
        body: Type.Object(
          {
            username: Type.String({ minLength: 2, maxLength: 64 }),
            displayName: Type.String({ minLength: 1, maxLength: 100 }),
            role: Type.Union(ROLES.map((r) => Type.Literal(r))),
            password: Type.Optional(Type.String({ maxLength: 256 })),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request, deps.now);
      const created = await db.transaction(async (tx) => {
        const user = await underField('/body', () =>
          createUser(tx, { ...request.body, orgId: ctx.principal.orgId }),
        );
        await audit(tx, ctx, { action: 'StaffUser.create', resourceType: 'StaffUser', resourceId: user.id });
        return user;
      });
      return reply
        .code(201)
        .send({ id: created.id, username: request.body.username.toLowerCase(), role: created.role });
    },
  );
}
