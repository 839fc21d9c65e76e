import { Link } from 'react-router';
import type { SpecialtyWaiting } from '@pathflow/core';
import { getSpecialties } from '../../api/endpoints';
import { getClinicUtilisation, getClinics, type ClinicSummary, type UtilisationRow } from '../../api/clinics';
import { CaptionedTable } from '../../components/captioned-table';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatCount } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import '../../styles/ptl.css';
import { formatPercent } from '../ptl/ptl-format';
import { addDays, londonToday } from './clinic-format';

const CAPTION_ID = 'clinics-caption';

function ClinicsTable({
  clinics,
  specialtyNames,
  usage,
}: {
  clinics: ClinicSummary[];
  specialtyNames: ReadonlyMap<string, string>;
  usage: ReadonlyMap<string, UtilisationRow>;
}) {
  return (
    <CaptionedTable
      captionId={CAPTION_ID}
      caption="Clinics"
      columns={[
        { label: 'Clinic' },
        { label: 'Specialty' },
        { label: 'Clinician or service' },
        { label: 'Free slots', numeric: true },
        { label: 'Booked in the next 2 weeks', numeric: true },
      ]}
    >
      {clinics.map((c) => {
        const u = usage.get(c.id);
        return (
          <tr className="nhsuk-table__row" key={c.id}>
            <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
              <Link className="nhsuk-u-font-weight-bold" to={`/clinics/${c.id}`}>
                {c.name}
              </Link>
            </th>
            <td className="nhsuk-table__cell">
              {c.specialtyCode}
              {specialtyNames.has(c.specialtyCode) ? (
                <>
                  <br />
                  <span className="nhsuk-u-secondary-text-colour">{specialtyNames.get(c.specialtyCode)}</span>
                </>
              ) : null}
            </td>
            <td className="nhsuk-table__cell">{c.serviceName ?? u?.clinic?.clinician ?? 'Not recorded'}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
              {formatCount(c.freeSlots)} of {formatCount(c.openSlots)}
            </td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
              {u && u.percentBooked !== null ? formatPercent(u.percentBooked) : 'No sessions'}
              {u?.underBooked ? (
                <>
                  <br />
                  <strong className="nhsuk-tag nhsuk-tag--orange app-ptl-tag">Under-booked</strong>
                </>
              ) : null}
            </td>
          </tr>
        );
      })}
    </CaptionedTable>
  );
}

/** Every clinic, with its free slots to come and how well booked its next two weeks are. */
export function ClinicsPage() {
  const { user } = useSignedInSession();
  const allowed = user.permissions.includes('Clinic.read');
  const canSetUp =
    user.permissions.includes('Clinic.write') && user.permissions.includes('Organization.read');
  const canApprove = user.permissions.includes('ClinicChange.write');
  usePageTitle(allowed ? 'Clinics' : 'You do not have access');
  const today = londonToday();
  const clinics = useLoad<ClinicSummary[]>('clinics', (signal) => getClinics(signal), allowed);
  const usage = useLoad<UtilisationRow[]>(
    `usage:${today}`,
    (signal) => getClinicUtilisation(today, addDays(today, 13), signal),
    allowed,
  );
  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    allowed && user.permissions.includes('WaitingList.read'),
  );
  if (!allowed || clinics.status === 'forbidden') return <NoAccess what="Viewing clinics" user={user} />;

  const specialtyNames = new Map(
    specialties.status === 'loaded' ? specialties.data.map((s) => [s.code, s.name] as const) : [],
  );
  const usageByClinic = new Map(
    usage.status === 'loaded' ? usage.data.flatMap((r) => (r.clinic ? [[r.clinic.id, r] as const] : [])) : [],
  );
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <PageHeading>Clinics</PageHeading>
        <p>Choose a clinic to see its slots and book patients in turn.</p>
        {canSetUp || canApprove ? (
          <ul className="nhsuk-list">
            {canSetUp ? (
              <li>
                <Link to="/clinics/new">Set up a clinic</Link>
              </li>
            ) : null}
            {canApprove ? (
              <li>
                <Link to="/clinic-changes">Clinic changes to approve</Link>
              </li>
            ) : null}
          </ul>
        ) : null}
        {clinics.status === 'loading' ? <Loading text="Loading the clinics…" /> : null}
        {clinics.status === 'failed' ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The clinics are not available</h2>
              <p className="nhsuk-card__description">
                The clinics could not be loaded. {clinics.detail ? `${clinics.detail} ` : ''}Try again later.
              </p>
            </div>
          </div>
        ) : null}
        {clinics.status === 'loaded' && clinics.data.length === 0 ? <p>There are no clinics yet.</p> : null}
        {clinics.status === 'loaded' && clinics.data.length > 0 ? (
          <ClinicsTable clinics={clinics.data} specialtyNames={specialtyNames} usage={usageByClinic} />
        ) : null}
      </div>
    </div>
  );
}
