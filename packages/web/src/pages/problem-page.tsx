import { Link } from 'react-router';
import { PageHeading } from '../components/page-heading';
import { usePageTitle } from '../components/use-page-title';

/** Shown when a page fails to render: the NHS.UK "there is a problem with the service" page. */
export function ProblemPage() {
  usePageTitle('Sorry, there is a problem with the service');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Sorry, there is a problem with the service</PageHeading>
        <p>Try again later.</p>
        <p>
          <Link to="/" reloadDocument>
            Go to the Pathflow home page
          </Link>
        </p>
      </div>
    </div>
  );
}
