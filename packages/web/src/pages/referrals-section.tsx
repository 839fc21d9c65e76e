import { Link } from 'react-router';
import type { SessionUser } from '@pathflow/core';

/** Links to referral intake, for the roles that work with referrals. */
export function ReferralsSection({ user }: { user: SessionUser }) {
  const canImport = user.permissions.includes('Referral.write');
  return (
    <section aria-labelledby="referrals-heading">
      <h2 className="nhsuk-heading-m" id="referrals-heading">
        Referrals
      </h2>
      <ul className="nhsuk-list">
        <li>
          <Link to="/referrals">Referrals waiting for triage</Link>
        </li>
        {canImport ? (
          <li>
            <Link to="/referrals/import">Import referrals</Link>
          </li>
        ) : null}
        {canImport ||
        user.permissions.includes('WaitingList.read') ||
        user.permissions.includes('Appointment.read') ? (
          <li>
            <Link to="/data-exchange">
              Import and export data: e-RS worklists, PTL extracts and downloads
            </Link>
          </li>
        ) : null}
      </ul>
    </section>
  );
}
