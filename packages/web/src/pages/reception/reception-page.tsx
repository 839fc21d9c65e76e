/**
 * Reception (`/reception?site=&date=`): the day's clinics at a site, each session a table of its patients in
 * time order, with what they need (interpreter, transport, communication). At the desk: "Check in" when the
 * patient arrives, "Seen" when the clinic has seen them, and once a session is over, "Mark remaining as did not
 * attend" for everyone who never checked in, after a confirmation (it starts the DNA policy). Each action
 * updates its rows in place; the site and date are kept in the address.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  getReceptionDay,
  markSessionDidNotAttend,
  recordAtDesk,
  type DeskAction,
  type ReceptionAppointment,
  type ReceptionClinic,
  type ReceptionDay,
  type ReceptionSession,
} from '../../api/reception';
import { ACTION_COLUMN, CaptionedTable } from '../../components/captioned-table';
import {
  DateInput,
  dateFieldId,
  datePartsOf,
  isoFromParts,
  type DateParts,
} from '../../components/date-input';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { Select } from '../../components/form-fields';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatTime } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import {
  addDays,
  dateParam,
  exampleDate,
  formatWeekdayDate,
  londonToday,
  slotTypeLabel,
} from '../clinics/clinic-format';
import { formatNhsNumber } from '../ptl/ptl-format';
import { DONE_WORDS, STATUS_LABELS, STATUS_TAGS, needMarkers, patientCount } from './reception-format';

/** The session's key on this page: clinic and session index (the date is the page's). */
const sessionKey = (clinic: ReceptionClinic, session: ReceptionSession) => `${clinic.id}-${session.index}`;

/** Now, moved on every 30 seconds, so a session's end shows without reloading. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

interface Problem {
  session: string;
  text: string;
  attempt: number;
}

interface Done {
  session: string;
  heading: string;
}

function problemText(err: unknown, fallback: string): string {
  if (err instanceof ApiError && err.status !== 0 && err.status < 500) return err.detail || err.title;
  const detail = err instanceof ApiError ? err.detail : '';
  return `${fallback} ${detail || 'There is a problem with the service.'} Try again later.`;
}

function PatientRow({
  a,
  canAct,
  onAction,
}: {
  a: ReceptionAppointment;
  canAct: boolean;
  onAction: (a: ReceptionAppointment, action: DeskAction) => void;
}) {
  const markers = needMarkers(a.needs);
  const hidden = <span className="nhsuk-u-visually-hidden"> {a.patient.name}</span>;
  return (
    <tr className="nhsuk-table__row">
      <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
        {formatTime(new Date(a.startsAt))}
      </th>
      <td className="nhsuk-table__cell">
        <Link to={`/patients/${a.patient.id}`} id={`patient-${a.id}`}>
          {a.patient.name}
        </Link>
        <br />
        <span className="nhsuk-body-s nhsuk-u-secondary-text-colour">
          NHS number {formatNhsNumber(a.patient.nhsNumber)}
        </span>
      </td>
      <td className="nhsuk-table__cell">{slotTypeLabel(a.slotType)}</td>
      <td className="nhsuk-table__cell">
        {markers.length === 0 ? (
          <span className="nhsuk-u-secondary-text-colour">None recorded</span>
        ) : (
          <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
            {markers.map((m) => (
              <li key={m} className="nhsuk-u-margin-bottom-1">
                <strong className="nhsuk-tag nhsuk-tag--purple">{m}</strong>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="nhsuk-table__cell">
        <strong className={STATUS_TAGS[a.status]} id={`status-${a.id}`} tabIndex={-1}>
          {STATUS_LABELS[a.status]}
        </strong>
      </td>
      <td className="nhsuk-table__cell">
        {canAct && (a.status === 'booked' || a.status === 'arrived') ? (
          <div className="nhsuk-button-group nhsuk-u-margin-bottom-0">
            {a.status === 'booked' ? (
              <button
                className="nhsuk-button nhsuk-button--small nhsuk-u-margin-bottom-0"
                type="button"
                id={`check-in-${a.id}`}
                onClick={() => onAction(a, 'check-in')}
              >
                Check in{hidden}
              </button>
            ) : null}
            <button
              className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
              type="button"
              id={`seen-${a.id}`}
              onClick={() => onAction(a, 'seen')}
            >
              Seen{hidden}
            </button>
          </div>
        ) : null}
      </td>
    </tr>
  );
}

/** The confirmation before the rest of a session is marked as did not attend. */
function ConfirmDna({
  remaining,
  onYes,
  onNo,
}: {
  remaining: ReceptionAppointment[];
  onYes: () => void;
  onNo: () => void;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="nhsuk-warning-callout">
      <h4 className="nhsuk-warning-callout__label" ref={ref} tabIndex={-1}>
        <span role="text">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          Mark {patientCount(remaining.length)} as did not attend?
        </span>
      </h4>
      <p>These patients have not checked in:</p>
      <ul>
        {remaining.map((a) => (
          <li key={a.id}>
            {a.patient.name}, {formatTime(new Date(a.startsAt))}
          </li>
        ))}
      </ul>
      <p>
        This records that they missed their appointment and starts the did not attend policy: the clinic or
        the booking team will review what happens next. Nobody is discharged automatically. You cannot undo
        this.
      </p>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button nhsuk-button--warning" type="button" onClick={onYes}>
          Yes, mark as did not attend
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onNo}>
          No, go back
        </button>
      </div>
    </div>
  );
}

function SessionBlock({
  clinic,
  session,
  now,
  canAct,
  confirming,
  problem,
  done,
  onAction,
  onAskDna,
  onConfirmDna,
  onCancelDna,
}: {
  clinic: ReceptionClinic;
  session: ReceptionSession;
  now: number;
  canAct: boolean;
  confirming: boolean;
  problem: Problem | null;
  done: Done | null;
  onAction: (a: ReceptionAppointment, action: DeskAction) => void;
  onAskDna: () => void;
  onConfirmDna: () => void;
  onCancelDna: () => void;
}) {
  const key = sessionKey(clinic, session);
  const start = formatTime(new Date(session.startsAt));
  const end = formatTime(new Date(session.endsAt));
  const ended = new Date(session.endsAt).getTime() <= now;
  const remaining = session.appointments.filter((a) => a.status === 'booked');
  const askRef = useRef<HTMLButtonElement>(null);
  return (
    <div className="nhsuk-u-margin-bottom-6">
      {problem ? <ErrorSummary key={problem.attempt} items={[{ text: problem.text }]} /> : null}
      {done ? <NotificationBanner success focusOnShow title="Success" heading={done.heading} /> : null}
      {session.appointments.length === 0 ? (
        <p className="nhsuk-body">
          {start} to {end}: {session.cancelled ? 'this session was cancelled.' : 'no patients are booked.'}
        </p>
      ) : (
        <CaptionedTable
          captionId={`session-${key}`}
          caption={
            <>
              {clinic.name}, {start} to {end}
              {session.cancelled ? ' (cancelled)' : ''}
            </>
          }
          columns={[
            { label: 'Time' },
            { label: 'Patient' },
            { label: 'Appointment' },
            { label: 'Needs' },
            { label: 'Status' },
            ACTION_COLUMN,
          ]}
        >
          {session.appointments.map((a) => (
            <PatientRow a={a} key={a.id} canAct={canAct} onAction={onAction} />
          ))}
        </CaptionedTable>
      )}
      {canAct && remaining.length > 0 && !ended ? (
        <InsetText>
          <p>
            You can mark patients who have not checked in as did not attend once this session ends at {end}.
          </p>
        </InsetText>
      ) : null}
      {canAct && remaining.length > 0 && ended && confirming ? (
        <ConfirmDna
          remaining={remaining}
          onYes={onConfirmDna}
          onNo={() => {
            onCancelDna();
            window.setTimeout(() => askRef.current?.focus(), 0);
          }}
        />
      ) : null}
      {canAct && remaining.length > 0 && ended && !confirming ? (
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="button"
          ref={askRef}
          onClick={onAskDna}
        >
          Mark remaining as did not attend
          <span className="nhsuk-u-visually-hidden">
            {' '}
            in {clinic.name}, {start} to {end}
          </span>
        </button>
      ) : null}
    </div>
  );
}

interface FilterForm {
  site: string;
  date: DateParts;
}

/** The day's clinics for reception (see the module comment). */
export function ReceptionPage() {
  const { user } = useSignedInSession();
  const { expired } = useSession();
  const allowed = user.permissions.includes('Appointment.read');
  const canAct = user.permissions.includes('Appointment.write');
  const [search, setSearch] = useSearchParams();
  const today = londonToday();
  const date = dateParam(search.get('date')) ?? today;
  const site = search.get('site') ?? '';
  const key = `${date}|${site}`;
  const day = useLoad<ReceptionDay>(key, (signal) => getReceptionDay({ date, site }, signal), allowed);
  const now = useNow();

  const [form, setForm] = useState<FilterForm>(() => ({ site, date: datePartsOf(date) }));
  // The form follows the address when a link (previous day, next day, today) changes it.
  useEffect(() => setForm({ site, date: datePartsOf(date) }), [site, date]);
  const [formError, setFormError] = useState<{ text: string; attempt: number } | null>(null);
  // Rows changed here since the day was loaded, by appointment id (for this site and date only).
  const [changed, setChanged] = useState<{ key: string; rows: Record<string, ReceptionAppointment> }>({
    key,
    rows: {},
  });
  const [confirming, setConfirming] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const attempts = useRef(0);
  const busy = useRef(false);
  const focusCount = useRef(0);
  const [focusAfter, setFocusAfter] = useState<{ elementId: string; n: number } | null>(null);
  useEffect(() => {
    if (focusAfter) document.getElementById(focusAfter.elementId)?.focus();
  }, [focusAfter]);

  const forbidden = !allowed || day.status === 'forbidden';
  usePageTitle(forbidden ? 'You do not have access' : 'Reception', {
    error: formError !== null || problem !== null,
  });
  if (forbidden) return <NoAccess what="Reception" user={user} />;

  const rows = changed.key === key ? changed.rows : {};
  const withChanges = (s: ReceptionSession): ReceptionSession => ({
    ...s,
    appointments: s.appointments.map((a) => rows[a.id] ?? a),
  });
  const keep = (updated: ReceptionAppointment[]) =>
    setChanged((c) => ({
      key,
      rows: { ...(c.key === key ? c.rows : {}), ...Object.fromEntries(updated.map((u) => [u.id, u])) },
    }));
  const fail = (session: string, text: string) => {
    attempts.current += 1;
    setProblem({ session, text, attempt: attempts.current });
  };

  const act = async (session: string, a: ReceptionAppointment, action: DeskAction) => {
    if (busy.current) return;
    busy.current = true;
    setProblem(null);
    setDone(null);
    try {
      const updated = await recordAtDesk(a.id, action);
      keep([updated]);
      setAnnouncement(`${updated.patient.name} ${DONE_WORDS[action]}.`);
      // Keep the keyboard on the row: on its next action (Seen after Check in), or on its new status.
      focusCount.current += 1;
      setFocusAfter({
        elementId: action === 'check-in' ? `seen-${a.id}` : `status-${a.id}`,
        n: focusCount.current,
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      fail(session, problemText(err, `${a.patient.name} has not been ${DONE_WORDS[action]}.`));
    } finally {
      busy.current = false;
    }
  };

  const markRest = async (clinic: ReceptionClinic, session: ReceptionSession) => {
    if (busy.current) return;
    busy.current = true;
    const k = sessionKey(clinic, session);
    setProblem(null);
    setDone(null);
    try {
      const result = await markSessionDidNotAttend({
        clinicId: clinic.id,
        date,
        sessionIndex: session.index,
      });
      keep(result.marked);
      setConfirming(null);
      setDone({
        session: k,
        heading:
          result.marked.length === 0
            ? 'Nobody was left to mark as did not attend'
            : `${patientCount(result.marked.length)} marked as did not attend`,
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      setConfirming(null);
      fail(k, problemText(err, 'The patients have not been marked as did not attend.'));
    } finally {
      busy.current = false;
    }
  };

  const show = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const iso = isoFromParts(form.date);
    if (iso === null) {
      attempts.current += 1;
      setFormError({ text: 'Enter a real date, for example 30 11 2026', attempt: attempts.current });
      return;
    }
    setFormError(null);
    setProblem(null);
    setDone(null);
    setConfirming(null);
    const next = new URLSearchParams();
    if (form.site) next.set('site', form.site);
    if (iso !== today) next.set('date', iso);
    setSearch(next);
  };

  const dayLink = (iso: string) => {
    const next = new URLSearchParams();
    if (site) next.set('site', site);
    if (iso !== today) next.set('date', iso);
    const q = next.toString();
    return q ? `/reception?${q}` : '/reception';
  };
  const sites = day.status === 'loaded' ? day.data.sites : [];
  const siteName = sites.find((s) => s.code === site)?.name;
  const filterErrors: ErrorSummaryItem[] = formError
    ? [{ text: formError.text, fieldId: dateFieldId('date') }]
    : [];

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        {formError ? <ErrorSummary key={formError.attempt} items={filterErrors} /> : null}
        <PageHeading caption={siteName ?? 'All sites'}>Reception</PageHeading>
        <p className="nhsuk-body-l">
          Clinics on {formatWeekdayDate(date)}
          {date === today ? ' (today)' : ''}
        </p>
        <form onSubmit={show} noValidate className="nhsuk-u-margin-bottom-4">
          <Select
            id="site"
            label="Site"
            value={form.site}
            onChange={(value) => setForm((f) => ({ ...f, site: value }))}
            error={undefined}
            options={[
              { value: '', label: 'All sites' },
              ...sites.map((s) => ({ value: s.code, label: s.name })),
            ]}
          />
          <DateInput
            id="date"
            legend="Date"
            hint={`For example, ${exampleDate(today)}`}
            value={form.date}
            onChange={(value) => setForm((f) => ({ ...f, date: value }))}
            error={formError?.text}
          />
          <button className="nhsuk-button nhsuk-button--secondary" type="submit">
            Show clinics
          </button>
        </form>
        <ul className="nhsuk-list">
          <li>
            <Link to={dayLink(addDays(date, -1))}>Previous day</Link>
          </li>
          {date !== today ? (
            <li>
              <Link to={dayLink(today)}>Today</Link>
            </li>
          ) : null}
          <li>
            <Link to={dayLink(addDays(date, 1))}>Next day</Link>
          </li>
        </ul>
        <div className="nhsuk-u-visually-hidden" role="status">
          {announcement}
        </div>
        {day.status === 'loading' ? <Loading text="Loading clinics…" /> : null}
        {day.status === 'failed' ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The clinics are not available</h2>
              <p className="nhsuk-card__description">
                The clinics could not be loaded. {day.detail ? `${day.detail} ` : ''}
                {day.httpStatus === 400 ? 'Choose another site or date.' : 'Try again later.'}
              </p>
            </div>
          </div>
        ) : null}
        {day.status === 'loaded' && day.data.groups.length === 0 ? (
          <p className="nhsuk-body">
            There are no clinics {siteName ? `at ${siteName} ` : ''}on {formatWeekdayDate(date)}.
          </p>
        ) : null}
        {day.status === 'loaded'
          ? day.data.groups.map((g) => (
              <section key={g.code} aria-labelledby={`site-${g.code}`}>
                <h2 className="nhsuk-heading-m" id={`site-${g.code}`}>
                  {g.name}
                </h2>
                {g.clinics.map((c) => (
                  <section key={c.id} aria-labelledby={`clinic-${c.id}`}>
                    <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-1" id={`clinic-${c.id}`}>
                      {c.name}
                    </h3>
                    <p className="nhsuk-body-s nhsuk-u-secondary-text-colour">
                      {[c.clinician, c.location].filter(Boolean).join(', ')}
                    </p>
                    {c.sessions.map((raw) => {
                      const s = withChanges(raw);
                      const k = sessionKey(c, s);
                      return (
                        <SessionBlock
                          key={k}
                          clinic={c}
                          session={s}
                          now={now}
                          canAct={canAct}
                          confirming={confirming === k}
                          problem={problem?.session === k ? problem : null}
                          done={done?.session === k ? done : null}
                          onAction={(a, action) => void act(k, a, action)}
                          onAskDna={() => {
                            setProblem(null);
                            setDone(null);
                            setConfirming(k);
                          }}
                          onConfirmDna={() => void markRest(c, s)}
                          onCancelDna={() => setConfirming(null)}
                        />
                      );
                    })}
                  </section>
                ))}
              </section>
            ))
          : null}
      </div>
    </div>
  );
}
