import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError, idempotencyKeys } from '../../api/client';
import { BackLink } from '../../components/back-link';
import {
  bookAppointment,
  bookingFailedText,
  getClinic,
  getClinicSlots,
  getInTurn,
  type Appointment,
  type Clinic,
  type InTurnPatient,
  type Slot,
} from '../../api/clinics';
import { previewLetter, type LetterPreview } from '../../api/booking';
import { ACTION_COLUMN, CaptionedTable } from '../../components/captioned-table';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { Textarea } from '../../components/textarea';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import '../../styles/ptl.css';
import { formatNhsNumber, formatShortDate } from '../ptl/ptl-format';
import { PatientCell, PriorityCell } from '../allocation/patient-cells';
import { dateParam, slotTypeLabel } from './clinic-format';
import { LetterPreviewPanel } from '../booking/letter-preview';
import { SLOT_TAKEN_MESSAGE, useSlotWatch } from '../booking/live-slots';

/** The patients shown in turn. */
const IN_TURN_LIMIT = 10;
const MAX_REASON = 500;
const CAPTION_ID = 'in-turn-caption';

interface SlotAndClinic {
  clinic: Clinic;
  slot: Slot | null;
}

interface Errors {
  summary: ErrorSummaryItem[];
  reason?: string;
}

/** A preview, or word that the slot has no place left (the letter cannot be previewed, nor the slot booked). */
type PreviewAnswer = LetterPreview | 'slot-unavailable';

/**
 * "Book in turn": the slot, the patients next in turn for it, and booking one of them after seeing the letter
 * they will be sent. While the page is open the slot is re-checked: when someone else takes its last place,
 * the page says so and nobody can be booked into it.
 */
export function BookPage() {
  const { user } = useSignedInSession();
  const { expired } = useSession();
  const { id: slotId = '' } = useParams();
  const search = new URLSearchParams(useLocation().search);
  const clinicId = search.get('clinic') ?? '';
  const date = dateParam(search.get('date'));
  const allowed = user.permissions.includes('Appointment.write') && user.permissions.includes('Clinic.read');

  // There is no read of one slot: the clinic's slots on its date hold it.
  const where = useLoad<SlotAndClinic>(
    `slot:${clinicId}:${date ?? ''}:${slotId}`,
    async (signal) => {
      const clinic = await getClinic(clinicId, signal);
      const slots = date ? await getClinicSlots(clinicId, date, date, signal) : [];
      return { clinic, slot: slots.find((s) => s.id === slotId) ?? null };
    },
    allowed && clinicId !== '' && date !== null,
  );
  const inTurn = useLoad<InTurnPatient[]>(
    `in-turn:${slotId}`,
    (signal) => getInTurn(slotId, IN_TURN_LIMIT, signal),
    allowed,
  );

  const [chosen, setChosen] = useState<InTurnPatient | null>(null);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Errors | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [booked, setBooked] = useState<{ appointment: Appointment; patient: InTurnPatient } | null>(null);
  const [full, setFull] = useState(false);
  // The first in turn, chosen: their letter is shown, then the booking is confirmed.
  const [confirming, setConfirming] = useState<InTurnPatient | null>(null);
  // Someone else took the slot's last place while the page was open.
  const [taken, setTaken] = useState(false);
  const submitting = useRef(false);
  // The last "Confirm booking" got no answer: the slot may be full with this booking (see find-slot-page).
  const [unconfirmed, setUnconfirmed] = useState(false);
  const keyFor = useRef(idempotencyKeys()).current;

  const slot = where.status === 'loaded' ? where.data.slot : null;
  const clinic = where.status === 'loaded' ? where.data.clinic : null;
  const patientsInTurn = inTurn.status === 'loaded' ? inTurn.data : [];
  const firstInTurn = patientsInTurn[0];

  // Watched only while it had a place when the page opened (a full slot says so when booked).
  const hadPlace = slot !== null && slot.capacity - slot.booked - slot.held > 0;
  useSlotWatch(hadPlace && !booked && !full && !taken && !unconfirmed ? [slotId] : [], () => {
    if (!submitting.current) setTaken(true);
  });

  const previewFor =
    confirming ?? (chosen && firstInTurn && chosen.pathwayId !== firstInTurn.pathwayId ? chosen : null);
  const preview = useLoad<PreviewAnswer>(
    `preview:${slotId}:${previewFor?.pathwayId ?? ''}`,
    (signal) =>
      previewLetter({ slotId, pathwayId: previewFor!.pathwayId }, signal).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 409 && err.code === 'slot_unavailable') {
          return 'slot-unavailable' as const;
        }
        throw err;
      }),
    allowed && previewFor !== null && !booked && !full,
  );
  const previewReady = preview.status === 'loaded' && preview.data !== 'slot-unavailable';
  useEffect(() => {
    if (preview.status === 'loaded' && preview.data === 'slot-unavailable') setFull(true);
  }, [preview]);
  useEffect(() => {
    if (confirming && previewReady) document.getElementById('letter-preview-heading')?.focus();
  }, [confirming, previewReady]);
  const missing =
    clinicId === '' || date === null || (where.status === 'loaded' && !slot) || inTurn.status === 'failed';
  let title = booked ? 'Appointment booked' : 'Book in turn';
  if (confirming && !booked) title = `Book ${confirming.name}`;
  if (!allowed || inTurn.status === 'forbidden') title = 'You do not have access';
  else if (full) title = 'This slot is full';
  else if (missing) title = 'Slot not found';
  usePageTitle(title, { error: errors !== null });

  if (!allowed || inTurn.status === 'forbidden') return <NoAccess what="Booking appointments" user={user} />;

  const clinicPath = slot ? `/clinics/${clinicId}?week=${slot.sessionDate}` : `/clinics/${clinicId}`;

  const book = async (patient: InTurnPatient, outOfTurnReason?: string) => {
    if (submitting.current || taken) return;
    submitting.current = true;
    try {
      const body = { slotId, pathwayId: patient.pathwayId, ...(outOfTurnReason ? { outOfTurnReason } : {}) };
      const appointment = await bookAppointment(body, keyFor(body));
      setErrors(null);
      setBooked({ appointment, patient });
    } catch (err) {
      setUnconfirmed(err instanceof ApiError && err.code === 'network_error');
      if (err instanceof ApiError && err.status === 401) return expired();
      if (err instanceof ApiError && err.status === 409 && err.code === 'slot_unavailable') {
        setErrors(null);
        return setFull(true);
      }
      const reasonError = err instanceof ApiError ? err.fieldError('outOfTurnReason') : undefined;
      setAttempt((n) => n + 1);
      setErrors(
        reasonError
          ? { summary: [{ text: reasonError, fieldId: 'outOfTurnReason' }], reason: reasonError }
          : { summary: [{ text: bookingFailedText(err) }] },
      );
    } finally {
      submitting.current = false;
    }
  };

  const submitOutOfTurn = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!chosen) return;
    if (reason.trim().length > MAX_REASON) {
      const text = `Reason for booking out of turn must be ${MAX_REASON} characters or fewer`;
      setAttempt((n) => n + 1);
      return setErrors({ summary: [{ text, fieldId: 'outOfTurnReason' }], reason: text });
    }
    void book(chosen, reason.trim() || undefined);
  };

  if (booked) {
    const a = booked.appointment;
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <NotificationBanner success focusOnShow title="Success" heading="Appointment booked">
            <p className="nhsuk-body">
              {booked.patient.name} is booked for {formatDateTime(a.startsAt)}
              {clinic ? ` in ${clinic.name}` : ''}.
            </p>
          </NotificationBanner>
          <PageHeading>Appointment booked</PageHeading>
          <dl className="nhsuk-summary-list">
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Patient</dt>
              <dd className="nhsuk-summary-list__value">
                {booked.patient.name}
                <br />
                NHS number {formatNhsNumber(booked.patient.nhsNumber)}
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Appointment</dt>
              <dd className="nhsuk-summary-list__value">{formatDateTime(a.startsAt)}</dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Notice</dt>
              <dd className="nhsuk-summary-list__value">
                {a.noticeDays} {a.noticeDays === 1 ? 'day' : 'days'}
              </dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Reasonable offer</dt>
              <dd className="nhsuk-summary-list__value">
                {a.reasonableOffer ? 'Yes, 21 days’ notice or more' : 'No, less than 21 days’ notice'}
              </dd>
            </div>
            {a.outOfTurnReason ? (
              <div className="nhsuk-summary-list__row">
                <dt className="nhsuk-summary-list__key">Booked out of turn because</dt>
                <dd className="nhsuk-summary-list__value">{a.outOfTurnReason}</dd>
              </div>
            ) : null}
          </dl>
          <p>
            <Link to={clinicPath}>Go back to the clinic</Link>
          </p>
        </div>
      </div>
    );
  }

  if (full) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <PageHeading>This slot is full</PageHeading>
          <p>{SLOT_TAKEN_MESSAGE}</p>
          <p>The appointment has not been booked.</p>
          <p>
            <Link to={clinicPath}>Go back to the clinic to choose another slot</Link>
          </p>
        </div>
      </div>
    );
  }

  if (missing) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <PageHeading>Slot not found</PageHeading>
          <p>The slot may have been removed, or the web address may be wrong.</p>
          <p>
            <Link to="/clinics">Go to clinics</Link>
          </p>
        </div>
      </div>
    );
  }

  const patients = patientsInTurn;
  const first = firstInTurn;
  const letterPreview =
    preview.status === 'loaded' && preview.data !== 'slot-unavailable' ? (
      <LetterPreviewPanel preview={preview.data} headingId="letter-preview-heading" />
    ) : preview.status === 'loading' ? (
      <Loading text="Loading the letter…" />
    ) : preview.status === 'failed' ? (
      <p>The letter cannot be shown: {preview.detail || 'there is a problem with the service.'}</p>
    ) : null;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <BackLink to={clinicPath}>Back to the clinic</BackLink>
        {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
        {taken ? (
          <div role="alert">
            <NotificationBanner title="Important" heading={SLOT_TAKEN_MESSAGE} />
          </div>
        ) : null}
        <PageHeading caption={clinic?.name}>Book in turn</PageHeading>
        {where.status === 'loading' ? <Loading text="Loading the slot…" /> : null}
        {slot ? (
          <dl className="nhsuk-summary-list">
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Slot</dt>
              <dd className="nhsuk-summary-list__value">{formatDateTime(slot.startsAt)}</dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Type</dt>
              <dd className="nhsuk-summary-list__value">{slotTypeLabel(slot.slotType)}</dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Places</dt>
              <dd className="nhsuk-summary-list__value">
                {slot.capacity - slot.booked - slot.held} free of {slot.capacity}
              </dd>
            </div>
          </dl>
        ) : null}

        <h2 className="nhsuk-heading-m">Patients next in turn</h2>
        {inTurn.status === 'loading' ? <Loading text="Loading the patients in turn…" /> : null}
        {inTurn.status === 'loaded' && patients.length === 0 ? (
          <p>No patients are waiting for a slot like this one.</p>
        ) : null}
        {patients.length > 0 ? (
          <>
            <p>
              Book the first patient in turn. To book anyone else, you need to give a reason, which is kept
              with the appointment.
            </p>
            <CaptionedTable
              captionId={CAPTION_ID}
              caption="Patients in turn for this slot"
              columns={[
                { label: 'Patient' },
                { label: 'Priority' },
                { label: 'Clock start' },
                { label: '18-week breach' },
                ACTION_COLUMN,
              ]}
            >
              {patients.map((p, i) => (
                <tr className="nhsuk-table__row" key={p.pathwayId}>
                  <PatientCell name={p.name} nhsNumber={p.nhsNumber} />
                  <PriorityCell priority={p.priority} />
                  <td className="nhsuk-table__cell app-ptl-nowrap">{formatShortDate(p.clockStart)}</td>
                  <td className="nhsuk-table__cell app-ptl-nowrap">{formatShortDate(p.breachDate)}</td>
                  <td className="nhsuk-table__cell">
                    <button
                      className={`nhsuk-button nhsuk-u-margin-bottom-0${i === 0 ? '' : ' nhsuk-button--secondary'}`}
                      type="button"
                      disabled={taken}
                      onClick={() => {
                        setErrors(null);
                        if (i === 0) {
                          setChosen(null);
                          return setConfirming(p);
                        }
                        setConfirming(null);
                        setChosen(p);
                        setReason('');
                      }}
                    >
                      {i === 0 ? 'Book' : 'Book out of turn'}
                      <span className="nhsuk-u-visually-hidden"> {p.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </CaptionedTable>
          </>
        ) : null}

        {confirming ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void book(confirming);
            }}
            noValidate
            aria-label={`Book ${confirming.name}`}
          >
            {letterPreview}
            <div className="nhsuk-button-group">
              <button className="nhsuk-button" type="submit" disabled={taken || !previewReady}>
                Confirm booking
              </button>
              <button
                className="nhsuk-button nhsuk-button--secondary"
                type="button"
                onClick={() => setConfirming(null)}
              >
                Cancel
              </button>
            </div>
          </form>
        ) : null}

        {chosen && first && chosen.pathwayId !== first.pathwayId ? (
          <form onSubmit={submitOutOfTurn} noValidate aria-labelledby="out-of-turn-heading">
            <h2 className="nhsuk-heading-m" id="out-of-turn-heading">
              Book {chosen.name} out of turn
            </h2>
            <Textarea
              id="outOfTurnReason"
              label="Reason for booking out of turn"
              hint={`${first.name} is due before ${chosen.name}. Say why ${chosen.name} should have this slot, for example the only date they can attend.`}
              rows={3}
              value={reason}
              onChange={setReason}
              error={errors?.reason}
            />
            {letterPreview}
            <button className="nhsuk-button" type="submit" disabled={taken || !previewReady}>
              Book {chosen.name}
            </button>
          </form>
        ) : null}
      </div>
    </div>
  );
}
