/**
 * The weekly waiting-list pack as a workbook and a PDF (patients named: each download is audited), for those who
 * read waiting lists. A short forecast (20 runs) keeps the matrix quick; the same runs every time, so the
 * forecast is made once and then read from the cache.
 */
import { READERS, type PermissionCaseSet } from './types';

const set: PermissionCaseSet = {
  cases: [
    {
      method: 'GET',
      route: '/api/v1/reports/weekly.xlsx',
      url: () => '/api/v1/reports/weekly.xlsx?runs=20',
      allowed: READERS,
    },
    {
      method: 'GET',
      route: '/api/v1/reports/weekly.pdf',
      url: () => '/api/v1/reports/weekly.pdf?runs=20',
      allowed: READERS,
    },
  ],
};
export default set;
