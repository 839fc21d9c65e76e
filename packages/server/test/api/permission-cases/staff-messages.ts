/** A member of staff's own messages: everyone signed in has theirs (a machine client has none: 403). */
import type { PermissionCaseSet } from './types';

const set: PermissionCaseSet = {
  cases: [
    { method: 'GET', route: '/api/v1/me/messages', url: () => '/api/v1/me/messages', allowed: 'all' },
    {
      method: 'POST',
      route: '/api/v1/me/messages/read',
      url: () => '/api/v1/me/messages/read',
      payload: () => ({}),
      allowed: 'all',
    },
  ],
};
export default set;
