/** The PTL's filters and sort as TypeBox schemas: shared by GET /ptl, /ptl/export and saved views. */
import { Type } from '@sinclair/typebox';
import { PTL_SORTS, PTL_STATUSES, RTT_PRIORITIES } from '@pathflow/core';
import { Uuid } from '../../http/schemas';

export const Priority = Type.Union(RTT_PRIORITIES.map((p) => Type.Literal(p)));
const Weeks = Type.Integer({ minimum: 0, maximum: 520, description: 'Completed weeks waited (inclusive)' });

/** The filters and sort of GET /ptl and /ptl/export (and of a saved view's query). */
export const filterProperties = {
  specialty: Type.Optional(
    Type.String({ minLength: 1, maxLength: 10, description: 'Treatment function code, e.g. 110' }),
  ),
  clinicianId: Type.Optional(Uuid),
  priority: Type.Optional(Priority),
  minWeeks: Type.Optional(Weeks),
  maxWeeks: Type.Optional(Weeks),
  breachBy: Type.Optional(
    Type.String({
      format: 'date',
      description: 'Only pathways whose 18-week breach date is on or before this date',
    }),
  ),
  status: Type.Optional(
    Type.Union(
      PTL_STATUSES.map((st) => Type.Literal(st)),
      {
        description:
          'booked: has a booked appointment; not-booked: no booked appointment and the patient is available today; on-hold: no booked appointment and the patient has said they are unavailable today',
      },
    ),
  ),
  validationDue: Type.Optional(
    Type.Boolean({
      description:
        'true: only pathways due (or overdue) for waiting-list validation today; false: only those not due',
    }),
  ),
  sort: Type.Union(
    PTL_SORTS.map((s) => Type.Literal(s)),
    {
      default: 'breach-date',
      description:
        'breach-date: earliest breach first; weeks-waited: longest wait first; priority: two-week-wait, urgent, routine, then longest wait',
    },
  ),
};

/** The filters and sort alone, as a saved view holds them. */
export const PtlViewQuerySchema = Type.Object(filterProperties, { additionalProperties: false });
