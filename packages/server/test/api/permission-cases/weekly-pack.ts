/**
 * The weekly waiting-list pack as a workbook and a PDF (patients named: each download is audited), for those who
 * read waiting lists. A short forecast (20 runs) keeps the matrix quick; the same runs every time, so the
 * forecast is made once and then read from the cache. The stored packs: one is produced in `fill`.
 */
import { produceWeeklyPack } from '../../../src/features/weekly-pack/schedule';
import { READERS, type PermissionCaseSet } from './types';

let storedId = '';

const set: PermissionCaseSet = {
  fill: async (h) => {
    const made = await produceWeeklyPack(h.db.db, h.fixture.orgId, h.clock.now(), { runs: 20 });
    if (!made) throw new Error('The permission matrix expected to produce the week’s pack');
    storedId = made.packId;
  },
  cases: [
    {
      method: 'GET',
      route: '/api/v1/reports/weekly-packs',
      url: () => '/api/v1/reports/weekly-packs',
      allowed: READERS,
    },
    {
      method: 'GET',
      route: '/api/v1/reports/weekly-packs/:id.xlsx',
      url: () => `/api/v1/reports/weekly-packs/${storedId}.xlsx`,
      allowed: READERS,
    },
    {
      method: 'GET',
      route: '/api/v1/reports/weekly-packs/:id.pdf',
      url: () => `/api/v1/reports/weekly-packs/${storedId}.pdf`,
      allowed: READERS,
    },
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
