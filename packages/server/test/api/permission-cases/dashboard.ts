/** The dashboards' figures: for those who read waiting lists. */
import { READERS, type PermissionCaseSet } from './types';

const set: PermissionCaseSet = {
  cases: [
    {
      method: 'GET',
      route: '/api/v1/dashboard/waiting-list',
      url: () => '/api/v1/dashboard/waiting-list',
      allowed: READERS,
    },
    {
      method: 'GET',
      route: '/api/v1/dashboard/breach-forecast',
      url: (_h, n) => `/api/v1/dashboard/breach-forecast?weeks=${(n % 12) + 1}`,
      allowed: READERS,
    },
  ],
};
export default set;
