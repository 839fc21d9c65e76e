/** Saved PTL views: whoever reads the waiting list keeps their own views. */
import { READERS, type PermissionCaseSet } from './types';

const set: PermissionCaseSet = {
  cases: [
    { method: 'GET', route: '/api/v1/saved-views', url: () => '/api/v1/saved-views', allowed: READERS },
    {
      method: 'POST',
      route: '/api/v1/saved-views',
      url: () => '/api/v1/saved-views',
      // A new name for every request: names are unique per user.
      payload: (n) => ({ name: `Permission view ${n}`, query: 'status=not-booked&validationDue=true' }),
      allowed: READERS,
    },
    {
      method: 'DELETE',
      route: '/api/v1/saved-views/:id',
      url: (_h, n) => `/api/v1/saved-views/00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      allowed: READERS,
    },
  ],
};
export default set;
