/**
 * Data exchange: e-RS worklist imports for those who enter referrals; PTL extract imports for those who register
 * patients and write pathways (booking clerks and team leaders); appointment and activity downloads for those who
 * read appointments and waiting lists. Imports are dry runs here, so every request finds the file as it is.
 */
import { READERS, WRITERS, type PermissionCaseSet } from './types';

const b64 = (text: string) => Buffer.from(text).toString('base64');

const WORKLIST = b64(
  'UBRN,NHS No.,Priority,Specialty,Referring Clinician,Date Converted\r\n' +
    '000999000001,999 000 0018,Routine,Orthopaedics,Dr A,02-Nov-2026\r\n',
);
const EXTRACT = b64(
  'NHS number,Patient name,Date of birth,Sex,Specialty,Priority,Clock start,PPID\r\n' +
    '9990000018,"EXAMPLE, Alice",31/01/1970,F,110,Routine,01/09/2026,PERMTEST0001\r\n',
);

const set: PermissionCaseSet = {
  cases: [
    {
      method: 'POST',
      route: '/api/v1/exchange/ers-worklist',
      url: () => '/api/v1/exchange/ers-worklist',
      payload: () => ({ fileName: 'worklist.csv', content: WORKLIST, dryRun: true }),
      allowed: WRITERS,
    },
    {
      method: 'POST',
      route: '/api/v1/exchange/ptl-extract',
      url: () => '/api/v1/exchange/ptl-extract',
      payload: () => ({ fileName: 'ptl.csv', content: EXTRACT, dryRun: true }),
      allowed: ['booking-clerk', 'team-leader'],
    },
    {
      method: 'GET',
      route: '/api/v1/exchange/appointments',
      url: () => '/api/v1/exchange/appointments?from=2026-11-01&to=2026-11-30',
      allowed: READERS,
    },
    {
      method: 'GET',
      route: '/api/v1/exchange/activity',
      url: () => '/api/v1/exchange/activity?from=2026-11-01&to=2026-11-30&format=xlsx',
      allowed: READERS,
    },
  ],
};
export default set;
