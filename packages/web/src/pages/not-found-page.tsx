import { Link } from 'react-router';
import { PageHeading } from '../components/page-heading';
import { usePageTitle } from '../components/use-page-title';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Page not found</PageHeading>
        <p>If you typed the web address, check it was correct.</p>
        <p>If you pasted the web address, check you copied the entire address.</p>
        <p>
          <Link to="/">Go to the Pathflow home page</Link>
        </p>
      </div>
    </div>
  );
}
