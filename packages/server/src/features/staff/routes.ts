import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, asc, eq } from 'drizzle-orm';
import { ROLES } from '@pathflow/core';
import type { RouteDeps } from '../../app';
import { audit } from '../../audit/audit';
import { createUser } from '../../auth/users';
import { staffUsers } from '../../db/schema';
import { contextOf } from '../../http/auth';
import { AppError, notFound, underField } from '../../errors';
import { checkTeams, TEAM_PATTERN } from '../tasks/teams';
import { problemResponse } from '../openapi/problem-schema';
import { Uuid } from '../../http/schemas';

/**
 * Staff accounts: listed by team leaders, managers and admins; created by admins. The teams whose work queues a
 * person works are set by admins and team leaders.
 */
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
          teams: staffUsers.teams,
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

  app.put(
    '/users/:id/teams',
    {
      // Staff.read lets the route be reached; the handler lets only admins (Staff.write) and team leaders in.
      config: { auth: 'Staff.read' },
      schema: {
        summary: 'Set the teams whose work queues a member of staff works',
        description:
          'Admins and team leaders. A team is a role’s prefix and a specialty code (booking-110, clinical-110, management-110). An empty list means every team of their role.',
        tags: ['Staff'],
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            teams: Type.Array(Type.String({ pattern: TEAM_PATTERN, maxLength: 40 }), {
              maxItems: 50,
              uniqueItems: true,
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ id: Uuid, teams: Type.Array(Type.String()) }),
          400: problemResponse('validation_failed: a team is not a real team (named in errors)'),
          403: problemResponse('forbidden: only admins and team leaders set teams'),
          404: problemResponse('not_found: there is no such member of staff'),
        },
      },
    },
    async (request) => {
      const ctx = contextOf(request, deps.now);
      const { principal } = ctx;
      if (!principal.permissions.has('Staff.write') && principal.role !== 'team-leader') {
        throw new AppError('forbidden', 'Only admins and team leaders can set the teams a person works in');
      }
      const teams = request.body.teams;
      return db.transaction(async (tx) => {
        const where = and(eq(staffUsers.orgId, principal.orgId), eq(staffUsers.id, request.params.id));
        const [user] = await tx.select({ id: staffUsers.id }).from(staffUsers).where(where);
        if (!user) throw notFound('The member of staff');
        await checkTeams(tx, principal.orgId, teams, (i) => `/body/teams/${i}`);
        await tx.update(staffUsers).set({ teams }).where(where);
        await audit(tx, ctx, {
          action: 'StaffUser.teams',
          resourceType: 'StaffUser',
          resourceId: user.id,
          detail: { teams },
        });
        return { id: user.id, teams };
      });
    },
  );
}
