import { Link, useLocation, useParams } from 'react-router';
import type { SpecialtyWaiting } from '@pathflow/core';
import { getSpecialties } from '../../api/endpoints';
import {
  getClinic,
  getClinicSlots,
  getOneClinicUtilisation,
  type Clinic,
  type Slot,
  type UtilisationRow,
} from '../../api/clinics';
import { BackLink } from '../../components/back-link';
import { ACTION_COLUMN, CaptionedTable } from '../../components/captioned-table';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { SummaryRow } from '../../components/summary-row';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDate, formatTime } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import '../../styles/ptl.css';
import { ClinicActions, ClinicSchedule, Escalations, PendingChanges } from './clinic-sections';
import type { ClinicCreatedState } from './new-clinic-page';
import { formatLongDate, labelOf } from '../referrals/referral-format';
import {
  SLOT_STATUS_LABELS,
  addDays,
  dateParam,
  londonToday,
  mondayOf,
  slotTypeLabel,
} from './clinic-format';

const CAPTION_ID = 'slots-caption';

/** The success banner after "Set up a clinic", from the router state it navigated with. */
function createdFrom(state: unknown): ClinicCreatedState['created'] | null {
  if (typeof state !== 'object' || state === null || !('created' in state)) return null;
  const created = (state as ClinicCreatedState).created;
  return typeof created?.slotsCreated === 'number' ? created : null;
}

/** The link to book in turn carries the clinic and date, so that the booking page can show the slot. */
export function bookingPath(clinicId: string, slot: Pick<Slot, 'id' | 'sessionDate'>): string {
  return `/slots/${slot.id}/book?clinic=${clinicId}&date=${slot.sessionDate}`;
}

function SlotsTable({
  clinicId,
  slots,
  caption,
  canBook,
}: {
  clinicId: string;
  slots: Slot[];
  caption: string;
  canBook: boolean;
}) {
  const now = Date.now();
  return (
    <CaptionedTable
      captionId={CAPTION_ID}
      caption={caption}
      columns={[
        { label: 'Time' },
        { label: 'Type' },
        { label: 'Places', numeric: true },
        { label: 'Booked', numeric: true },
        { label: 'Free', numeric: true },
        { label: 'Attended', numeric: true },
        { label: 'Did not attend', numeric: true },
        { label: 'Status' },
        ...(canBook ? [ACTION_COLUMN] : []),
      ]}
    >
      {slots.map((s) => {
        const start = new Date(s.startsAt);
        const past = start.getTime() <= now;
        const places = s.status === 'open' ? Math.max(0, s.capacity - s.booked - s.held) : 0;
        const free = s.status === 'open' && places > 0 && !past;
        const when = `${formatTime(start)} on ${formatDate(start)}`;
        let status = labelOf(SLOT_STATUS_LABELS, s.status);
        if (s.status === 'open') status = past ? 'Past' : free ? 'Free' : 'Full';
        return (
          <tr className="nhsuk-table__row" key={s.id}>
            <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
              {when}
            </th>
            <td className="nhsuk-table__cell">{slotTypeLabel(s.slotType)}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{s.capacity}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
              {s.booked}
              {s.held > 0 ? ` (${s.held} held)` : ''}
            </td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{past ? 0 : places}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">
              {past ? s.attended : <NotHeldYet />}
            </td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{past ? s.dna : <NotHeldYet />}</td>
            <td className="nhsuk-table__cell">{status}</td>
            {canBook ? (
              <td className="nhsuk-table__cell">
                {free ? (
                  <Link to={bookingPath(clinicId, s)}>
                    Book in turn<span className="nhsuk-u-visually-hidden"> at {when}</span>
                  </Link>
                ) : null}
              </td>
            ) : null}
          </tr>
        );
      })}
    </CaptionedTable>
  );
}

/** An attendance count for a slot still to come. */
function NotHeldYet() {
  return (
    <>
      <span aria-hidden="true">–</span>
      <span className="nhsuk-u-visually-hidden">Not held yet</span>
    </>
  );
}

/** The clinic's use over the week shown, from `/utilisation` (counts only). */
function WeekUtilisation({ clinicId, week, weekEnd }: { clinicId: string; week: string; weekEnd: string }) {
  const usage = useLoad<UtilisationRow | null>(
    `utilisation:${clinicId}:${week}`,
    (signal) => getOneClinicUtilisation(clinicId, week, weekEnd, signal),
    true,
  );
  return (
    <section aria-labelledby="utilisation-heading">
      <h3 className="nhsuk-heading-s" id="utilisation-heading">
        Utilisation this week
      </h3>
      {usage.status === 'loading' ? <Loading text="Loading the utilisation…" /> : null}
      {usage.status === 'failed' || usage.status === 'forbidden' ? (
        <p>The utilisation could not be loaded. Try again later.</p>
      ) : null}
      {usage.status === 'loaded' && (usage.data === null || usage.data.places === 0) ? (
        <p>The clinic has no open places this week.</p>
      ) : null}
      {usage.status === 'loaded' && usage.data !== null && usage.data.places > 0 ? (
        <dl className="nhsuk-summary-list">
          <SummaryRow label="Places">{String(usage.data.places)}</SummaryRow>
          <SummaryRow label="Booked">
            {usage.data.booked}
            {usage.data.percentBooked === null ? '' : ` (${usage.data.percentBooked}%)`}
          </SummaryRow>
          <SummaryRow label="Free">
            {String(usage.data.unbooked ?? usage.data.places - usage.data.booked)}
          </SummaryRow>
          <SummaryRow label="Did not attend">{String(usage.data.dna ?? 0)}</SummaryRow>
          <SummaryRow label="Cancelled">{String(usage.data.cancelled ?? 0)}</SummaryRow>
        </dl>
      ) : null}
    </section>
  );
}

function NotFound() {
  usePageTitle('Clinic not found');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Clinic not found</PageHeading>
        <p>The clinic may belong to another organisation, or the web address may be wrong.</p>
        <p>
          <Link to="/clinics">Go to clinics</Link>
        </p>
      </div>
    </div>
  );
}

/** One clinic: its details and its slots for a week, chosen in the address (`?week=2026-11-30`). */
export function ClinicPage() {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const location = useLocation();
  const allowed = user.permissions.includes('Clinic.read');
  const canBook = user.permissions.includes('Appointment.write');
  const week = mondayOf(dateParam(new URLSearchParams(location.search).get('week')) ?? londonToday());
  const weekEnd = addDays(week, 6);

  const clinic = useLoad<Clinic>(`clinic:${id}`, (signal) => getClinic(id, signal), allowed);
  const slots = useLoad<Slot[]>(
    `slots:${id}:${week}`,
    (signal) => getClinicSlots(id, week, weekEnd, signal),
    allowed,
  );
  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    allowed && user.permissions.includes('WaitingList.read'),
  );

  const forbidden = !allowed || clinic.status === 'forbidden';
  const notFound = clinic.status === 'failed' && (clinic.httpStatus === 404 || clinic.httpStatus === 400);
  const c = clinic.status === 'loaded' ? clinic.data : null;
  let title = c ? c.name : 'Clinic';
  if (forbidden) title = 'You do not have access';
  else if (notFound) title = 'Clinic not found';
  usePageTitle(title);
  if (forbidden) return <NoAccess what="Viewing clinics" user={user} />;
  if (notFound) return <NotFound />;

  const specialtyName =
    c && specialties.status === 'loaded'
      ? specialties.data.find((s) => s.code === c.specialtyCode)?.name
      : undefined;
  const weekCaption = `Slots in the week beginning ${formatLongDate(week)}`;
  const created = createdFrom(location.state);

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <BackLink to="/clinics">Back to clinics</BackLink>
        {created ? (
          <NotificationBanner success focusOnShow title="Success" heading="Clinic set up">
            <p className="nhsuk-body">
              {created.slotsCreated} {created.slotsCreated === 1 ? 'slot has' : 'slots have'} been made for
              the next 26 weeks.
            </p>
          </NotificationBanner>
        ) : null}
        <PageHeading caption="Clinic">{c ? c.name : 'Clinic'}</PageHeading>
        {clinic.status === 'loading' ? <Loading text="Loading the clinic…" /> : null}
        {clinic.status === 'failed' ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The clinic is not available</h2>
              <p className="nhsuk-card__description">
                The clinic could not be loaded. {clinic.detail ? `${clinic.detail} ` : ''}Try again later.
              </p>
            </div>
          </div>
        ) : null}
        {c ? (
          <dl className="nhsuk-summary-list">
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Specialty</dt>
              <dd className="nhsuk-summary-list__value">
                {specialtyName ? `${specialtyName} (${c.specialtyCode})` : c.specialtyCode}
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">{c.serviceName ? 'Service' : 'Clinician'}</dt>
              <dd className="nhsuk-summary-list__value">{c.serviceName ?? 'Consultant-led clinic'}</dd>
            </div>
          </dl>
        ) : null}
        {c ? (
          <>
            <ClinicSchedule clinic={c} />
            <ClinicActions clinic={c} user={user} />
            <PendingChanges clinic={c} user={user} />
          </>
        ) : null}

        <h2 className="nhsuk-heading-m">{weekCaption}</h2>
        <nav className="nhsuk-pagination" role="navigation" aria-label="Weeks">
          <ul className="nhsuk-list nhsuk-pagination__list">
            <li className="nhsuk-pagination-item--previous">
              <Link
                className="nhsuk-pagination__link nhsuk-pagination__link--prev"
                to={`?week=${addDays(week, -7)}`}
              >
                <span className="nhsuk-pagination__title">Previous week</span>
                <span className="nhsuk-u-visually-hidden">:</span>
                <span className="nhsuk-pagination__page">{formatLongDate(addDays(week, -7))}</span>
              </Link>
            </li>
            <li className="nhsuk-pagination-item--next">
              <Link
                className="nhsuk-pagination__link nhsuk-pagination__link--next"
                to={`?week=${addDays(week, 7)}`}
              >
                <span className="nhsuk-pagination__title">Next week</span>
                <span className="nhsuk-u-visually-hidden">:</span>
                <span className="nhsuk-pagination__page">{formatLongDate(addDays(week, 7))}</span>
              </Link>
            </li>
          </ul>
        </nav>
        <WeekUtilisation clinicId={id} week={week} weekEnd={weekEnd} />
        {slots.status === 'loading' ? <Loading text="Loading the slots…" /> : null}
        {slots.status === 'failed' && !notFound ? (
          <p>The slots could not be loaded. {slots.detail ? `${slots.detail} ` : ''}Try again later.</p>
        ) : null}
        {slots.status === 'loaded' && slots.data.length === 0 ? (
          <p>The clinic has no slots this week.</p>
        ) : null}
        {slots.status === 'loaded' && slots.data.length > 0 ? (
          <SlotsTable clinicId={id} slots={slots.data} caption={weekCaption} canBook={canBook} />
        ) : null}
        {c ? <Escalations clinicId={c.id} user={user} /> : null}
      </div>
    </div>
  );
}
