import { PageHeading } from '../components/page-heading';
import { usePageTitle } from '../components/use-page-title';
import { useSignedInSession } from '../session/session-context';
import { Link } from 'react-router';
import { AccountSummary } from './account-summary';
import { HomeAlerts, MyWork } from './dashboard/home-work';
import { MyMessages } from './my-messages';
import { NotInRole } from './not-in-role';
import { ReferralsSection } from './referrals-section';
import { WaitingListSection } from './waiting-list-section';

export function HomePage() {
  const { user } = useSignedInSession();
  usePageTitle('Home');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Home</PageHeading>
        <AccountSummary user={user} />
        <HomeAlerts user={user} />
        <MyMessages />
        {user.permissions.includes('Task.read') ? <MyWork /> : null}
        {user.permissions.includes('WaitingList.read') ? <WaitingListSection /> : <NotInRole user={user} />}
        {user.permissions.includes('Task.read') || user.permissions.includes('Communication.read') ? (
          <section aria-labelledby="work-heading">
            <h2 className="nhsuk-heading-m" id="work-heading">
              Work queues and messages
            </h2>
            <ul className="nhsuk-list">
              {user.permissions.includes('Task.read') ? (
                <li>
                  <Link to="/tasks">Work queues</Link>
                </li>
              ) : null}
              {user.permissions.includes('Communication.read') ? (
                <li>
                  <Link to="/messages">Messages to patients</Link>
                </li>
              ) : null}
              {user.permissions.includes('Communication.write') ? (
                <li>
                  <Link to="/print-batches">Print and post letters</Link>
                </li>
              ) : null}
            </ul>
          </section>
        ) : null}
        {user.permissions.includes('Appointment.write') ? (
          <section aria-labelledby="booking-heading">
            <h2 className="nhsuk-heading-m" id="booking-heading">
              Booking and reception
            </h2>
            <ul className="nhsuk-list">
              <li>
                <Link to="/ptl">Book appointments from the patient tracking list</Link>
              </li>
              <li>
                <Link to="/reception">Reception: check patients in</Link>
              </li>
            </ul>
          </section>
        ) : null}
        {user.permissions.includes('Referral.read') ? <ReferralsSection user={user} /> : null}
        {user.permissions.includes('Clinic.read') ? (
          <section aria-labelledby="clinics-heading">
            <h2 className="nhsuk-heading-m" id="clinics-heading">
              Clinics
            </h2>
            <ul className="nhsuk-list">
              <li>
                <Link to="/clinics">Clinics</Link>
              </li>
              {user.permissions.includes('Clinic.write') && user.permissions.includes('Organization.read') ? (
                <li>
                  <Link to="/clinics/new">Set up a clinic</Link>
                </li>
              ) : null}
              {user.permissions.includes('ClinicChange.write') ? (
                <li>
                  <Link to="/clinic-changes">Clinic changes to approve</Link>
                </li>
              ) : null}
              {user.permissions.includes('Appointment.write') ? (
                <li>
                  <Link to="/allocation">Book a waiting list automatically</Link>
                </li>
              ) : null}
            </ul>
          </section>
        ) : null}
        {user.permissions.includes('WaitingList.read') || user.permissions.includes('Clinic.read') ? (
          <section aria-labelledby="dashboards-heading">
            <h2 className="nhsuk-heading-m" id="dashboards-heading">
              Dashboards
            </h2>
            <ul className="nhsuk-list">
              <li>
                <Link to="/dashboard">Dashboards: waiting times, breaches and clinic use</Link>
              </li>
              {user.permissions.includes('WaitingList.read') ? (
                <li>
                  <Link to="/reports/weekly">Weekly waiting list pack</Link>
                </li>
              ) : null}
            </ul>
          </section>
        ) : null}
        {user.permissions.includes('WaitingList.read') || user.permissions.includes('AccessPolicy.write') ? (
          <section aria-labelledby="policy-heading">
            <h2 className="nhsuk-heading-m" id="policy-heading">
              Access policy
            </h2>
            <ul className="nhsuk-list">
              <li>
                <Link to="/access-policy">
                  {user.permissions.includes('AccessPolicy.write')
                    ? 'See or change the access policy'
                    : 'See the access policy'}
                </Link>
              </li>
            </ul>
          </section>
        ) : null}
      </div>
    </div>
  );
}
