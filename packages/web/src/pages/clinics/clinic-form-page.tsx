/**
 * The frame of a page that changes one clinic ("Change this clinic", "Cancel or reduce a session"): who may,
 * the back link, and the clinic loading, not found or not loaded; the form is drawn once the clinic is in.
 */
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { getClinic, type Clinic } from '../../api/clinics';
import { BackLink } from '../../components/back-link';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { useSignedInSession } from '../../session/session-context';

export function ClinicFormPage({
  heading,
  what,
  children,
}: {
  /** The page's heading and title. */
  heading: string;
  /** What the user may not do without the permissions, for "You do not have access". */
  what: string;
  children: (clinic: Clinic) => ReactNode;
}) {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const allowed = user.permissions.includes('Clinic.write') && user.permissions.includes('Clinic.read');
  const clinic = useLoad<Clinic>(`clinic:${id}`, (signal) => getClinic(id, signal), allowed);
  const notFound = clinic.status === 'failed' && (clinic.httpStatus === 404 || clinic.httpStatus === 400);
  const forbidden = !allowed || clinic.status === 'forbidden';
  let title = heading;
  if (forbidden) title = 'You do not have access';
  else if (notFound) title = 'Clinic not found';
  usePageTitle(title);
  if (forbidden) return <NoAccess what={what} user={user} />;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink to={`/clinics/${id}`}>Back to the clinic</BackLink>
        {clinic.status === 'loading' ? <Loading text="Loading the clinic…" /> : null}
        {notFound ? (
          <>
            <PageHeading>Clinic not found</PageHeading>
            <p>
              <Link to="/clinics">Go to clinics</Link>
            </p>
          </>
        ) : null}
        {clinic.status === 'failed' && !notFound ? (
          <>
            <PageHeading>{heading}</PageHeading>
            <p>The clinic could not be loaded. {clinic.detail ? `${clinic.detail} ` : ''}Try again later.</p>
          </>
        ) : null}
        {clinic.status === 'loaded' ? children(clinic.data) : null}
      </div>
    </div>
  );
}
