/** The access policy: every role reads the policy in force; only service managers add versions. */
import { addDays, parsePlainDate } from '@pathflow/core';
import type { PermissionCaseSet } from './types';

const set: PermissionCaseSet = {
  cases: [
    {
      method: 'GET',
      route: '/api/v1/access-policy',
      url: () => '/api/v1/access-policy',
      allowed: [
        'booking-clerk',
        'team-leader',
        'clinician',
        'service-manager',
        'flow-coordinator',
        'care-coordinator',
        'admin',
      ],
    },
    {
      method: 'POST',
      route: '/api/v1/access-policy/versions',
      url: () => '/api/v1/access-policy/versions',
      // A day of its own for each request (one version per day), from tomorrow.
      payload: (n) => ({
        effectiveFrom: addDays(parsePlainDate('2026-11-24'), n).toString(),
        settings: { partialBooking: { replyWindowDays: 14 + (n % 7) } },
        note: 'Permission test',
      }),
      allowed: ['service-manager'],
    },
  ],
};
export default set;
