import { Link, useParams } from 'react-router';
import type { RttPeriod } from '@pathflow/core';
import {
  getPathway,
  getPatient,
  getPatientPathways,
  type PathwayDetail,
  type Patient,
  type PatientPathways,
} from '../../api/patient-record';
import { BackLink } from '../../components/back-link';
import { CaptionedTable } from '../../components/captioned-table';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { SummaryRow } from '../../components/summary-row';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import { calendarDate, formatNhsNumber } from '../ptl/ptl-format';
import { formatLongDate } from '../referrals/referral-format';
import {
  ORIGIN_LABELS,
  PATHWAY_STATUS_LABELS,
  PRIORITY_LABELS,
  PRIORITY_TAGS,
  RTT_CODE_WORDS,
  STOP_WORDS,
  patientName,
  say,
} from './patient-format';
import '../../styles/ptl.css';
import './patients.css';

const DAY_MS = 86_400_000;

/** Days from one calendar date to another (YYYY-MM-DD). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** "11 weeks and 6 days (83 days)". */
function formatWait(days: number): string {
  const weeks = Math.floor(days / 7);
  const rest = days % 7;
  const w = `${weeks} ${weeks === 1 ? 'week' : 'weeks'}`;
  const d = rest === 0 ? '' : ` and ${rest} ${rest === 1 ? 'day' : 'days'}`;
  return `${w}${d} (${days} ${days === 1 ? 'day' : 'days'})`;
}

type TimelineKind = 'start' | 'event' | 'stop' | 'today' | 'future';

interface TimelineEntry {
  key: string;
  date: string;
  kind: TimelineKind;
  title: string;
  lines: string[];
}

/** The pathway's story in date order: its referral, its RTT events, today, and the breach date still to come. */
function timelineOf(pathway: PathwayDetail, today: string): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    {
      key: 'referral',
      date: pathway.clockStart,
      kind: 'start',
      title: 'Referral received',
      lines: ['The clock started.'],
    },
  ];
  for (const e of pathway.events) {
    const lines = [RTT_CODE_WORDS[e.code] ?? 'A code this version of Pathflow does not know.'];
    if (e.dnaDate) lines.push(`The missed appointment was on ${formatLongDate(e.dnaDate)}.`);
    if (e.appointmentCommunicated === true) lines.push('The appointment had been clearly communicated.');
    if (e.clinicianDecision === true) lines.push('A clinician made this decision.');
    if (e.note) lines.push(`Note: ${e.note}`);
    lines.push(`${say(ORIGIN_LABELS, e.origin)}, recorded at ${formatDateTime(e.recordedAt)}.`);
    const stopped = e.code >= '30' && e.code <= '36';
    entries.push({
      key: e.id,
      date: e.date,
      kind: stopped ? 'stop' : 'event',
      title: `Code ${e.code}`,
      lines,
    });
  }
  const current = pathway.rtt.current;
  if (pathway.status === 'open' && current.running && current.daysWaited !== null) {
    entries.push({
      key: 'today',
      date: today,
      kind: 'today',
      title: 'Today',
      lines: [`Waited ${formatWait(current.daysWaited)} on this clock.`],
    });
    if (current.breachDates) {
      const breach = current.breachDates['18'];
      entries.push({
        key: 'breach',
        date: breach,
        kind: breach > today ? 'future' : 'stop',
        title: '18-week breach date',
        lines: [
          breach > today
            ? 'The wait will be over 18 weeks from this day if treatment has not started.'
            : 'The wait has been over 18 weeks since this day.',
        ],
      });
    }
  }
  // Stable: events of one day keep the order they were recorded in.
  return entries
    .map((entry, k) => ({ entry, k }))
    .sort((a, b) => (a.entry.date === b.entry.date ? a.k - b.k : a.entry.date < b.entry.date ? -1 : 1))
    .map((x) => x.entry);
}

function Timeline({ pathway, today }: { pathway: PathwayDetail; today: string }) {
  return (
    <ol className="app-timeline" aria-labelledby="timeline-heading">
      {timelineOf(pathway, today).map((t) => (
        <li className={`app-timeline__item app-timeline__item--${t.kind}`} key={t.key}>
          <span className="app-timeline__date">
            {formatLongDate(t.date)}: {t.title}
          </span>
          {t.lines.map((line, k) => (
            <p className="nhsuk-body-s app-timeline__text" key={k}>
              {line}
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}

function periodStatus(p: RttPeriod): string {
  if (p.nullified) return 'Not counted: the patient did not attend their first appointment';
  if (p.end === null) return 'Running';
  return 'Stopped';
}

function PeriodsTable({ periods, today }: { periods: RttPeriod[]; today: string }) {
  return (
    <CaptionedTable
      captionId="periods-caption"
      caption="Clock periods, oldest first"
      columns={[
        { label: 'Started' },
        { label: 'Stopped' },
        { label: 'Why it stopped' },
        { label: 'Length' },
        { label: 'Status' },
      ]}
    >
      {periods.map((p, k) => (
        <tr className="nhsuk-table__row" key={k}>
          <td className="nhsuk-table__cell app-ptl-nowrap">{formatLongDate(p.start)}</td>
          <td className="nhsuk-table__cell app-ptl-nowrap">
            {p.end ? formatLongDate(p.end) : 'Still running'}
          </td>
          <td className="nhsuk-table__cell">
            {p.endCode ? `${say(STOP_WORDS, p.endCode)} (code ${p.endCode})` : 'Not stopped'}
          </td>
          <td className="nhsuk-table__cell">
            {formatWait(Math.max(0, daysBetween(p.start, p.end ?? today)))}
            {p.end === null ? ' so far' : ''}
          </td>
          <td className="nhsuk-table__cell">{periodStatus(p)}</td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

function NotFound() {
  usePageTitle('Pathway not found');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Pathway not found</PageHeading>
        <p>The pathway may belong to another organisation, or the web address may be wrong.</p>
        <p>
          <Link to="/ptl">Go to the patient tracking list</Link>
        </p>
      </div>
    </div>
  );
}

/** One pathway: its RTT timeline (events explained), clock periods, weeks waited and breach dates. */
export function PathwayPage() {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const can = (p: string) => (user.permissions as readonly string[]).includes(p);
  const allowed = can('WaitingList.read');

  const load = useLoad<PathwayDetail>(`pathway:${id}`, (signal) => getPathway(id, signal), allowed);
  const pathway = load.status === 'loaded' ? load.data : null;
  const patientId = pathway?.patientId ?? '';
  const patient = useLoad<Patient>(
    `patient:${patientId}`,
    (signal) => getPatient(patientId, signal),
    patientId !== '' && can('Patient.read'),
  );
  const siblings = useLoad<PatientPathways>(
    `pathways:${patientId}`,
    (signal) => getPatientPathways(patientId, signal),
    patientId !== '',
  );

  const forbidden = !allowed || load.status === 'forbidden';
  const notFound = load.status === 'failed' && (load.httpStatus === 404 || load.httpStatus === 400);
  const person = patient.status === 'loaded' ? patient.data : null;
  const summary =
    siblings.status === 'loaded' ? (siblings.data.pathways.find((p) => p.id === id) ?? null) : null;
  const today = siblings.status === 'loaded' ? siblings.data.asOf : calendarDate(new Date().toISOString());
  const name = summary ? `${summary.specialty.name} pathway` : 'Pathway';
  usePageTitle(forbidden ? 'You do not have access' : person ? `${name}: ${patientName(person)}` : name);

  if (forbidden) return <NoAccess what="Looking at waiting lists and pathways" user={user} />;
  if (notFound) return <NotFound />;

  const current = pathway?.rtt.current;
  const waiting = pathway !== null && pathway.status === 'open' && current?.running === true;
  const canBook =
    can('Appointment.write') && waiting && summary !== null && summary.bookedAppointment === null;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {pathway && can('Patient.read') ? (
          <BackLink to={`/patients/${pathway.patientId}`}>
            {person ? `Back to ${patientName(person)}’s record` : 'Back to the patient’s record'}
          </BackLink>
        ) : null}
        <PageHeading caption={person ? patientName(person) : undefined}>{name}</PageHeading>
        {load.status === 'loading' ? <Loading text="Loading the pathway…" /> : null}
        {load.status === 'failed' ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The pathway is not available</h2>
              <p className="nhsuk-card__description">
                The pathway could not be loaded. {load.detail ? `${load.detail} ` : ''}Try again later.
              </p>
            </div>
          </div>
        ) : null}
        {pathway && current ? (
          <>
            <dl className="nhsuk-summary-list">
              <SummaryRow label="Patient">
                {person ? (
                  <>
                    <Link to={`/patients/${pathway.patientId}`}>{patientName(person)}</Link>
                    <br />
                    NHS number:{' '}
                    <span className="app-ptl-nhs-number">{formatNhsNumber(person.nhsNumber)}</span>
                  </>
                ) : (
                  'Not shown to your role'
                )}
              </SummaryRow>
              <SummaryRow label="Pathway identifier">{pathway.ppid}</SummaryRow>
              <SummaryRow label="Specialty">{summary?.specialty.name ?? pathway.specialtyCode}</SummaryRow>
              {summary?.clinician ? (
                <SummaryRow label="Consultant">{summary.clinician.name}</SummaryRow>
              ) : null}
              <SummaryRow label="Priority">
                <strong className={PRIORITY_TAGS[pathway.priority]}>
                  {PRIORITY_LABELS[pathway.priority]}
                </strong>
              </SummaryRow>
              <SummaryRow label="Referral received">{formatLongDate(pathway.clockStart)}</SummaryRow>
              <SummaryRow label="Status">{say(PATHWAY_STATUS_LABELS, pathway.status)}</SummaryRow>
              <SummaryRow label="Clock">
                {current.running && current.start
                  ? `Running since ${formatLongDate(current.start)}`
                  : 'Stopped'}
              </SummaryRow>
              {waiting && current.daysWaited !== null ? (
                <SummaryRow label="Weeks waited">{formatWait(current.daysWaited)}</SummaryRow>
              ) : null}
              {waiting && current.breachDates ? (
                <SummaryRow label="18-week breach date">
                  {formatLongDate(current.breachDates['18'])}
                  {current.over18Weeks ? (
                    <>
                      {' '}
                      <strong className="nhsuk-tag nhsuk-tag--red">Over 18 weeks</strong>
                    </>
                  ) : null}
                </SummaryRow>
              ) : null}
              {waiting && current.breachDates ? (
                <SummaryRow label="52-week breach date">
                  {formatLongDate(current.breachDates['52'])}
                </SummaryRow>
              ) : null}
              {summary ? (
                <SummaryRow label="Booked appointment">
                  {summary.bookedAppointment
                    ? `${formatDateTime(summary.bookedAppointment.startsAt)}, ${summary.bookedAppointment.clinic}`
                    : 'None'}
                </SummaryRow>
              ) : null}
            </dl>
            {pathway.status !== 'open' ? (
              <InsetText>
                <p>This pathway is closed: the patient is no longer waiting on it.</p>
              </InsetText>
            ) : null}
            {canBook ? (
              <p className="nhsuk-body">
                <Link className="nhsuk-button" to={`/pathways/${pathway.id}/book`}>
                  Book an appointment
                </Link>
              </p>
            ) : null}
            <h2 className="nhsuk-heading-m" id="timeline-heading">
              RTT timeline
            </h2>
            <p className="nhsuk-body">
              What has happened on the referral to treatment (RTT) pathway, in date order, and what each RTT
              code means for the waiting time clock.
            </p>
            <Timeline pathway={pathway} today={today} />
            <h2 className="nhsuk-heading-m">Clock periods</h2>
            <PeriodsTable periods={pathway.rtt.periods} today={today} />
          </>
        ) : null}
      </div>
    </div>
  );
}
