import { Link } from 'react-router';
import type { SessionUser } from '@pathflow/core';
import { withArticle } from '../format';
import { PageHeading } from './page-heading';
import { usePageTitle } from './use-page-title';

/**
 * The page for someone whose role does not include what they asked for: say so plainly, rather than show an
 * error. `what` completes "… is not part of your role", e.g. "Importing referrals".
 */
export function NoAccess({ what, user }: { what: string; user: SessionUser }) {
  usePageTitle('You do not have access');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>You do not have access</PageHeading>
        <p>
          {what} is not part of your role as {withArticle(user.roleLabel)}.
        </p>
        <p>
          <Link to="/">Go to the Pathflow home page</Link>
        </p>
      </div>
    </div>
  );
}
