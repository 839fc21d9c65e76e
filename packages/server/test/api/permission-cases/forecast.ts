/**
 * The breach forecast: its summary, the potential breaches (patients named) and what-if scenarios (which change
 * nothing), for those who read waiting lists. Short forecasts (8 weeks, 20 runs) keep the matrix quick; the same
 * URL every time, so the forecast is made once and then read from the cache.
 */
import { READERS, type PermissionCaseSet } from './types';

const set: PermissionCaseSet = {
  cases: [
    {
      method: 'GET',
      route: '/api/v1/forecast',
      url: () => '/api/v1/forecast?weeks=8&runs=20',
      allowed: READERS,
    },
    {
      method: 'GET',
      route: '/api/v1/forecast/potential-breaches',
      url: () => '/api/v1/forecast/potential-breaches?weeks=8&runs=20&limit=5',
      allowed: READERS,
    },
    {
      method: 'POST',
      route: '/api/v1/forecast/what-if',
      url: () => '/api/v1/forecast/what-if',
      payload: () => ({
        weeks: 8,
        runs: 20,
        adjustments: [{ specialty: '110', slotType: 'new', placesPerWeek: 5 }],
      }),
      allowed: READERS,
    },
  ],
};
export default set;
