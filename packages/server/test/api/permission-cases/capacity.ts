/** Demand and capacity per specialty and clinic type, week by week: for those who read waiting lists. */
import { READERS, type PermissionCaseSet } from './types';

const set: PermissionCaseSet = {
  cases: [
    {
      method: 'GET',
      route: '/api/v1/capacity/weekly',
      url: (_h, n) => `/api/v1/capacity/weekly?to=2026-11-15&specialty=${n % 2 === 0 ? '110' : '120'}`,
      allowed: READERS,
    },
  ],
};
export default set;
