import type { Role, SessionUser } from '@pathflow/core';
import { InsetText } from '../components/inset-text';
import { withArticle } from '../format';

/** What each role without waiting lists will find in Pathflow as it grows. */
const COMING: Partial<Record<Role, string>> = {
  'flow-coordinator':
    'Tools for patient flow, such as bed management and discharges, will appear here when they are ready.',
  'care-coordinator': 'Tools for the patients you coordinate care for will appear here when they are ready.',
  admin: 'Tools for managing staff accounts and checking the audit log will appear here when they are ready.',
};

/** For roles that do not see waiting lists: say so plainly, rather than showing an error. */
export function NotInRole({ user }: { user: SessionUser }) {
  return (
    <InsetText>
      <p>Waiting lists are not part of your role as {withArticle(user.roleLabel)}.</p>
      <p>There is nothing else for you to do in Pathflow yet. {COMING[user.role] ?? ''}</p>
    </InsetText>
  );
}
