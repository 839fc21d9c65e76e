/** The patient record's reads: the waiting-list readers read a patient's pathways, the appointment readers their appointments. */
import { READERS, type PermissionCaseSet } from './types';

const set: PermissionCaseSet = {
  cases: [
    {
      method: 'GET',
      route: '/api/v1/patients/:id/pathways',
      url: (h) => `/api/v1/patients/${h.fixture.patients.alice}/pathways`,
      allowed: READERS,
    },
    {
      method: 'GET',
      route: '/api/v1/patients/:id/appointments',
      url: (h) => `/api/v1/patients/${h.fixture.patients.bob}/appointments`,
      allowed: READERS,
    },
  ],
};
export default set;
