/** Changing a patient's record: the roles that register patients may change their contact details and needs. */
import type { PermissionCaseSet } from './types';

const set: PermissionCaseSet = {
  cases: [
    {
      method: 'PATCH',
      route: '/api/v1/patients/:id',
      url: (h) => `/api/v1/patients/${h.fixture.patients.alice}`,
      payload: (n) => ({ shortNotice: n % 2 === 0 }),
      allowed: ['booking-clerk', 'team-leader', 'care-coordinator'],
    },
  ],
};
export default set;
