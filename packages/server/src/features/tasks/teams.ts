/**
 * Teams: the queues tasks sit on. A team is a role's prefix and a specialty (`booking-110`, `clinical-110`,
 * `management-110`, see core `teamFor`); the specialty must be one of the organisation's.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { TASK_ROLES, teamFor, type TaskRole } from '@pathflow/core';
import type { Database } from '../../db/client';
import { specialties } from '../../db/schema';
import { invalid } from '../../errors';

export const TEAM_PATTERN = '^(booking|clinical|management)-[A-Za-z0-9]{1,10}$';
const TEAM = new RegExp(TEAM_PATTERN);

/** The roles whose tasks may sit on a team: the team's prefix is theirs. */
export function rolesOfTeam(team: string): TaskRole[] {
  return TASK_ROLES.filter((r) => team.startsWith(teamFor(r, '')));
}

const specialtyOf = (team: string): string => team.slice(team.indexOf('-') + 1);

/**
 * Checks teams are real: the right shape, for a specialty the organisation has and (when a role is given)
 * a team that role's tasks go on. Throws a validation error naming `field` (a function of the index for a list).
 */
export async function checkTeams(
  tx: Database,
  orgId: string,
  teams: readonly string[],
  field: string | ((i: number) => string),
  role?: TaskRole,
): Promise<void> {
  const at = (i: number) => (typeof field === 'string' ? field : field(i));
  const example = (r: TaskRole) => `${teamFor(r, '<specialty code>')}, for example ${teamFor(r, '110')}`;
  teams.forEach((team, i) => {
    if (!TEAM.test(team)) {
      throw invalid(at(i), `"${team}" is not a team: a team is ${example(role ?? 'booking-clerk')}`);
    }
    if (role && !rolesOfTeam(team).includes(role)) {
      throw invalid(at(i), `"${team}" is not a team for ${role} tasks: use ${example(role)}`);
    }
  });
  const codes = [...new Set(teams.map(specialtyOf))];
  if (codes.length === 0) return;
  const known = new Set(
    (
      await tx
        .select({ code: specialties.code })
        .from(specialties)
        .where(and(eq(specialties.orgId, orgId), inArray(specialties.code, codes)))
    ).map((s) => s.code),
  );
  teams.forEach((team, i) => {
    if (!known.has(specialtyOf(team))) {
      throw invalid(at(i), `There is no specialty ${specialtyOf(team)}, so there is no team "${team}"`);
    }
  });
}
