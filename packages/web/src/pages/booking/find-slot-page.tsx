/**
 * Book an appointment for a pathway (`/pathways/:id/book`): the patient and pathway, filters kept in the address
 * (clinic, consultant, slot type, dates), the free slots the pathway could have, by date, each with its notice and
 * whether it is a reasonable offer; then the letter booking would send, and "Confirm booking". While slots are
 * on screen they are re-checked (`useSlotWatch`): one someone else books goes from the list, and a chosen one says
 * so and cannot be confirmed.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError, idempotencyKeys } from '../../api/client';
import { bookAppointment, bookingFailedText, type Appointment } from '../../api/clinics';
import {
  getBookingLetter,
  getSlotOffers,
  previewLetter,
  type LetterPreview,
  type SlotFilters,
  type SlotOffer,
  type SlotOffers,
} from '../../api/booking';
import { BackLink } from '../../components/back-link';
import {
  DateInput,
  datePartsOf,
  isBlankDate,
  isoFromParts,
  type DateParts,
} from '../../components/date-input';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { Select } from '../../components/form-fields';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { Textarea } from '../../components/textarea';
import { SummaryRow } from '../../components/summary-row';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime, formatTime } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import { formatNhsNumber, formatShortDate } from '../ptl/ptl-format';
import { PRIORITY_LABELS, PRIORITY_TAGS, labelOf } from '../referrals/referral-format';
import { dateParam, exampleDate, formatWeekdayDate, slotTypeLabel } from '../clinics/clinic-format';
import { LetterPreviewPanel } from './letter-preview';
import { SLOT_TAKEN_MESSAGE, useSlotWatch } from './live-slots';

const MAX_REASON = 500;

/** The filters as the address holds them. */
function filtersOf(search: URLSearchParams): SlotFilters {
  const f: SlotFilters = {};
  const clinic = search.get('clinic');
  const clinician = search.get('clinician');
  const type = search.get('type');
  const from = dateParam(search.get('from'));
  const to = dateParam(search.get('to'));
  if (clinic) f.clinicId = clinic;
  if (clinician) f.clinicianId = clinician;
  if (type) f.slotType = type;
  if (from) f.from = from;
  if (to) f.to = to;
  return f;
}

export const noticeLabel = (days: number) => `${days} ${days === 1 ? 'day’s' : 'days’'} notice`;

export function NoticeTag({ reasonable }: { reasonable: boolean }) {
  return reasonable ? (
    <strong className="nhsuk-tag nhsuk-tag--green">Reasonable offer</strong>
  ) : (
    <strong className="nhsuk-tag nhsuk-tag--orange">Short notice</strong>
  );
}

interface FilterForm {
  clinic: string;
  clinician: string;
  type: string;
  from: DateParts;
  to: DateParts;
}

interface Booked {
  appointment: Appointment;
  slot: SlotOffer;
  messageId: string | null;
}

export function FindSlotPage() {
  const { user } = useSignedInSession();
  const { expired } = useSession();
  const { id: pathwayId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const filters = filtersOf(search);
  const filterKey = JSON.stringify(filters);
  const allowed = ['Appointment.read', 'Appointment.write', 'Clinic.read'].every((p) =>
    (user.permissions as readonly string[]).includes(p),
  );

  const offers = useLoad<SlotOffers>(
    `offers:${pathwayId}:${filterKey}`,
    (signal) => getSlotOffers(pathwayId, filters, signal),
    allowed && pathwayId !== '',
  );
  const data = offers.status === 'loaded' ? offers.data : null;

  const [form, setForm] = useState<FilterForm>(() => ({
    clinic: filters.clinicId ?? '',
    clinician: filters.clinicianId ?? '',
    type: filters.slotType ?? '',
    from: datePartsOf(filters.from),
    to: datePartsOf(filters.to),
  }));
  const [formErrors, setFormErrors] = useState<{ from?: string; to?: string } | null>(null);
  const [attempt, setAttempt] = useState(0);
  // Slots someone else has booked since the list was loaded: left out of it.
  const [gone, setGone] = useState<ReadonlySet<string>>(new Set());
  const [goneCount, setGoneCount] = useState(0);
  const [selected, setSelected] = useState('');
  const [selectError, setSelectError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<SlotOffer | null>(null);
  const [reason, setReason] = useState('');
  const [needsReason, setNeedsReason] = useState(false);
  const [bookError, setBookError] = useState<{ summary: ErrorSummaryItem[]; reason?: string } | null>(null);
  const [booked, setBooked] = useState<Booked | null>(null);
  const submitting = useRef(false);
  // The last "Confirm booking" got no answer: the slot may be full because it is now this patient's, so the
  // live check stops saying it was taken, and pressing again (same key) answers with that booking.
  const [unconfirmed, setUnconfirmed] = useState(false);
  const keyFor = useRef(idempotencyKeys()).current;

  // A new list (new filters): nothing in it is known to be gone yet.
  useEffect(() => {
    setGone(new Set());
    setGoneCount(0);
    setSelected('');
  }, [filterKey]);

  const preview = useLoad<LetterPreview>(
    `preview:${pathwayId}:${chosen?.id ?? ''}`,
    (signal) => previewLetter({ pathwayId, slotId: chosen!.id }, signal),
    allowed && chosen !== null && booked === null,
  );
  const chosenGone =
    chosen !== null && (gone.has(chosen.id) || (preview.status === 'failed' && preview.httpStatus === 409));

  const visible = data ? data.slots.filter((s) => !gone.has(s.id)) : [];
  const watched =
    booked || unconfirmed ? [] : chosen ? (chosenGone ? [] : [chosen.id]) : visible.map((s) => s.id);
  useSlotWatch(watched, (ids) => {
    if (submitting.current) return; // our own booking may be what filled it
    const fresh = ids.filter((i) => !gone.has(i));
    if (fresh.length === 0) return;
    setGone((prev) => new Set([...prev, ...fresh]));
    if (!chosen) setGoneCount((n) => n + fresh.length);
    if (fresh.includes(selected)) setSelected('');
  });

  useEffect(() => setUnconfirmed(false), [chosen?.id]);

  useEffect(() => {
    if (chosen && preview.status === 'loaded') {
      document.getElementById('letter-preview-heading')?.focus();
    }
  }, [chosen, preview.status]);

  let title = 'Book an appointment';
  if (!allowed || offers.status === 'forbidden') title = 'You do not have access';
  else if (booked) title = 'Appointment booked';
  else if (offers.status === 'failed' && offers.httpStatus === 404) title = 'Pathway not found';
  else if (chosen) title = 'Check and confirm the booking';
  usePageTitle(title, {
    error:
      formErrors !== null ||
      selectError !== null ||
      bookError !== null ||
      (offers.status === 'failed' && offers.httpStatus === 400),
  });

  if (!allowed || offers.status === 'forbidden') return <NoAccess what="Booking appointments" user={user} />;

  if (offers.status === 'failed' && offers.httpStatus === 404) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <PageHeading>Pathway not found</PageHeading>
          <p>The web address may be wrong, or the pathway may have been removed.</p>
          <p>
            <Link to="/ptl">Go to the patient tracking list</Link>
          </p>
        </div>
      </div>
    );
  }

  const pathway = data?.pathway;

  const applyFilters = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errors: { from?: string; to?: string } = {};
    const from = isBlankDate(form.from) ? null : isoFromParts(form.from);
    const to = isBlankDate(form.to) ? null : isoFromParts(form.to);
    if (!isBlankDate(form.from) && from === null)
      errors.from = 'Enter a real date for the first date, like 1 12 2026';
    if (!isBlankDate(form.to) && to === null)
      errors.to = 'Enter a real date for the last date, like 31 12 2026';
    if (from && to && to < from) errors.to = 'The last date must be the same as or after the first date';
    if (errors.from || errors.to) {
      setAttempt((n) => n + 1);
      return setFormErrors(errors);
    }
    setFormErrors(null);
    const next = new URLSearchParams();
    if (form.clinic) next.set('clinic', form.clinic);
    if (form.clinician) next.set('clinician', form.clinician);
    if (form.type) next.set('type', form.type);
    if (from) next.set('from', from);
    if (to) next.set('to', to);
    setSearch(next);
  };

  const choose = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const slot = visible.find((s) => s.id === selected);
    if (!slot) {
      setAttempt((n) => n + 1);
      return setSelectError('Choose a slot');
    }
    setSelectError(null);
    setBookError(null);
    setNeedsReason(false);
    setReason('');
    setChosen(slot);
  };

  const backToList = () => {
    setChosen(null);
    setBookError(null);
    setNeedsReason(false);
  };

  const confirm = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!chosen || chosenGone || submitting.current) return;
    if (needsReason && reason.trim().length > MAX_REASON) {
      const text = `Reason for booking out of turn must be ${MAX_REASON} characters or fewer`;
      setAttempt((n) => n + 1);
      return setBookError({ summary: [{ text, fieldId: 'outOfTurnReason' }], reason: text });
    }
    submitting.current = true;
    try {
      const body = {
        slotId: chosen.id,
        pathwayId,
        ...(needsReason && reason.trim() ? { outOfTurnReason: reason.trim() } : {}),
      };
      const appointment = await bookAppointment(body, keyFor(body));
      setBookError(null);
      // The confirmation letter queued with it, for a link (for those who can read messages).
      let messageId: string | null = null;
      if ((user.permissions as readonly string[]).includes('Communication.read')) {
        messageId = await getBookingLetter(appointment.id).catch(() => null);
      }
      setBooked({ appointment, slot: chosen, messageId });
    } catch (err) {
      setUnconfirmed(err instanceof ApiError && err.code === 'network_error');
      if (err instanceof ApiError && err.status === 401) return expired();
      if (err instanceof ApiError && err.status === 409 && err.code === 'slot_unavailable') {
        setBookError(null);
        setGone((prev) => new Set([...prev, chosen.id]));
        return;
      }
      setAttempt((n) => n + 1);
      const reasonError = err instanceof ApiError ? err.fieldError('outOfTurnReason') : undefined;
      if (reasonError) {
        setNeedsReason(true);
        return setBookError({
          summary: [{ text: reasonError, fieldId: 'outOfTurnReason' }],
          reason: reasonError,
        });
      }
      setBookError({ summary: [{ text: bookingFailedText(err) }] });
    } finally {
      submitting.current = false;
    }
  };

  const header = pathway ? (
    <dl className="nhsuk-summary-list">
      <SummaryRow label="Patient">{pathway.patientName}</SummaryRow>
      <SummaryRow label="NHS number">{formatNhsNumber(pathway.nhsNumber)}</SummaryRow>
      <SummaryRow label="Specialty">{pathway.specialty.name ?? pathway.specialty.code}</SummaryRow>
      <SummaryRow label="Priority">
        <strong className={labelOf(PRIORITY_TAGS, pathway.priority)}>
          {labelOf(PRIORITY_LABELS, pathway.priority)}
        </strong>
      </SummaryRow>
      <SummaryRow label="18-week breach date">
        {pathway.breachDate ? formatShortDate(pathway.breachDate) : 'The clock is not running'}
      </SummaryRow>
    </dl>
  ) : null;

  if (booked) {
    const a = booked.appointment;
    const s = booked.slot;
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <NotificationBanner success focusOnShow title="Success" heading="Appointment booked">
            <p className="nhsuk-body">
              {pathway?.patientName ?? 'The patient'} is booked for {formatDateTime(a.startsAt)} in{' '}
              {s.clinic.name}.
            </p>
          </NotificationBanner>
          <PageHeading>Appointment booked</PageHeading>
          <dl className="nhsuk-summary-list">
            <SummaryRow label="Patient">
              {pathway?.patientName}
              <br />
              NHS number {pathway ? formatNhsNumber(pathway.nhsNumber) : ''}
            </SummaryRow>
            <SummaryRow label="Appointment">{formatDateTime(a.startsAt)}</SummaryRow>
            <SummaryRow label="Clinic">
              {s.clinic.name}
              {s.clinician ? `, ${s.clinician.name}` : ''}
              <br />
              {s.location.name}, {s.location.site}
            </SummaryRow>
            <SummaryRow label="Notice">{noticeLabel(a.noticeDays)}</SummaryRow>
            <SummaryRow label="Reasonable offer">
              {a.reasonableOffer ? 'Yes, 21 days’ notice or more' : 'No, less than 21 days’ notice'}
            </SummaryRow>
            {a.outOfTurnReason ? (
              <SummaryRow label="Booked out of turn because">{a.outOfTurnReason}</SummaryRow>
            ) : null}
          </dl>
          {booked.messageId ? (
            <p>
              <Link to={`/messages/${booked.messageId}`}>View the confirmation letter</Link>
            </p>
          ) : (
            <p>A confirmation letter has been queued.</p>
          )}
          <p>
            <Link to={`/pathways/${pathwayId}`}>Go back to the pathway</Link>
          </p>
        </div>
      </div>
    );
  }

  if (chosen) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          {bookError ? <ErrorSummary key={attempt} items={bookError.summary} /> : null}
          {chosenGone ? (
            <div role="alert">
              <NotificationBanner title="Important" heading={SLOT_TAKEN_MESSAGE} />
            </div>
          ) : null}
          <PageHeading caption={pathway?.patientName}>Check and confirm the booking</PageHeading>
          {header}
          <h2 className="nhsuk-heading-m">The appointment</h2>
          <dl className="nhsuk-summary-list">
            <SummaryRow label="Date and time">{formatDateTime(chosen.startsAt)}</SummaryRow>
            <SummaryRow label="Clinic">{chosen.clinic.name}</SummaryRow>
            <SummaryRow label="Clinician">{chosen.clinician?.name ?? 'Not named'}</SummaryRow>
            <SummaryRow label="Place">
              {chosen.location.name}, {chosen.location.site}
            </SummaryRow>
            <SummaryRow label="Slot type">{slotTypeLabel(chosen.slotType)}</SummaryRow>
            <SummaryRow label="Notice">
              {noticeLabel(chosen.noticeDays)} <NoticeTag reasonable={chosen.reasonable} />
            </SummaryRow>
          </dl>
          {preview.status === 'loading' ? <Loading text="Loading the letter…" /> : null}
          {preview.status === 'loaded' ? (
            <LetterPreviewPanel preview={preview.data} headingId="letter-preview-heading" />
          ) : null}
          {preview.status === 'failed' && preview.httpStatus !== 409 ? (
            <p>The letter cannot be shown: {preview.detail || 'there is a problem with the service.'}</p>
          ) : null}
          <form onSubmit={(event) => void confirm(event)} noValidate>
            {needsReason ? (
              <Textarea
                id="outOfTurnReason"
                label="Reason for booking out of turn"
                hint="Other patients are due before this one for this slot. Say why this patient should have it, for example the only date they can attend."
                rows={3}
                value={reason}
                onChange={setReason}
                error={bookError?.reason}
              />
            ) : null}
            <div className="nhsuk-button-group">
              <button
                className="nhsuk-button"
                type="submit"
                disabled={chosenGone || preview.status !== 'loaded'}
                aria-disabled={chosenGone || preview.status !== 'loaded' ? true : undefined}
              >
                Confirm booking
              </button>
              <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={backToList}>
                Choose another slot
              </button>
            </div>
          </form>
        </div>
      </div>
    );
  }

  const byDate = new Map<string, SlotOffer[]>();
  for (const s of visible) byDate.set(s.sessionDate, [...(byDate.get(s.sessionDate) ?? []), s]);
  const loadError =
    offers.status === 'failed' && offers.httpStatus === 400 ? offers.detail || 'Check the filters' : null;
  const summary: ErrorSummaryItem[] = [
    ...(formErrors?.from ? [{ text: formErrors.from, fieldId: 'from-day' }] : []),
    ...(formErrors?.to ? [{ text: formErrors.to, fieldId: 'to-day' }] : []),
    ...(selectError ? [{ text: selectError, fieldId: 'slot' }] : []),
    ...(loadError && !formErrors ? [{ text: loadError }] : []),
  ];

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <BackLink to={`/pathways/${pathwayId}`}>Back to the pathway</BackLink>
        {summary.length > 0 ? <ErrorSummary key={attempt} items={summary} /> : null}
        <PageHeading caption={pathway?.patientName}>Book an appointment</PageHeading>
        {offers.status === 'loading' && !data ? <Loading text="Loading free slots…" /> : null}
        {offers.status === 'failed' && offers.httpStatus !== 400 ? (
          <p>The slots cannot be shown: {offers.detail || 'there is a problem with the service.'}</p>
        ) : null}
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">{header}</div>
        </div>
        {pathway?.bookedAppointment ? (
          <div className="nhsuk-warning-callout">
            <h2 className="nhsuk-warning-callout__label">
              <span role="text">
                <span className="nhsuk-u-visually-hidden">Important: </span>
                Already booked
              </span>
            </h2>
            <p>
              This pathway already has an appointment booked for{' '}
              {formatDateTime(pathway.bookedAppointment.startsAt)}. To change it, reschedule that appointment.
            </p>
          </div>
        ) : null}
        {data ? (
          <form
            onSubmit={applyFilters}
            noValidate
            aria-labelledby="filters-heading"
            className="nhsuk-u-margin-bottom-5"
          >
            <h2 className="nhsuk-heading-m" id="filters-heading">
              Filter the slots
            </h2>
            <div className="nhsuk-grid-row">
              <div className="nhsuk-grid-column-one-third">
                <Select
                  id="clinic"
                  label="Clinic"
                  value={form.clinic}
                  onChange={(v) => setForm((f) => ({ ...f, clinic: v }))}
                  error={undefined}
                  placeholder="Any clinic"
                  options={data.clinics.map((c) => ({ value: c.id, label: c.name }))}
                />
              </div>
              <div className="nhsuk-grid-column-one-third">
                <Select
                  id="clinician"
                  label="Consultant"
                  value={form.clinician}
                  onChange={(v) => setForm((f) => ({ ...f, clinician: v }))}
                  error={undefined}
                  placeholder="Any consultant"
                  options={data.clinicians.map((c) => ({ value: c.id, label: c.name }))}
                />
              </div>
              <div className="nhsuk-grid-column-one-third">
                <Select
                  id="type"
                  label="Slot type"
                  value={form.type}
                  onChange={(v) => setForm((f) => ({ ...f, type: v }))}
                  error={undefined}
                  placeholder="Any that suits this pathway"
                  options={data.pathway.acceptedSlotTypes.map((t) => ({ value: t, label: slotTypeLabel(t) }))}
                />
              </div>
            </div>
            <div className="nhsuk-grid-row">
              <div className="nhsuk-grid-column-one-half">
                <DateInput
                  id="from"
                  legend="From"
                  hint={`For example, ${exampleDate(data.from)}. Leave blank for today.`}
                  value={form.from}
                  onChange={(v) => setForm((f) => ({ ...f, from: v }))}
                  error={formErrors?.from}
                />
              </div>
              <div className="nhsuk-grid-column-one-half">
                <DateInput
                  id="to"
                  legend="To"
                  hint="Leave blank for 6 weeks on."
                  value={form.to}
                  onChange={(v) => setForm((f) => ({ ...f, to: v }))}
                  error={formErrors?.to}
                />
              </div>
            </div>
            <button className="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="submit">
              Apply filters
            </button>
          </form>
        ) : null}

        <div role="status" className="nhsuk-u-margin-bottom-3">
          {goneCount > 0 ? (
            <p className="nhsuk-body">
              {goneCount === 1
                ? 'A slot has just been booked by someone else and is no longer shown.'
                : `${goneCount} slots have just been booked by someone else and are no longer shown.`}
            </p>
          ) : null}
        </div>

        {data && !pathway?.bookedAppointment ? (
          <>
            <h2 className="nhsuk-heading-m" id="slots-heading">
              Free slots from {formatShortDate(data.from)} to {formatShortDate(data.to)}
            </h2>
            {data.unavailability.length > 0 ? (
              <p>
                Dates the patient cannot come are left out:{' '}
                {data.unavailability
                  .map((u) =>
                    u.from === u.to
                      ? formatShortDate(u.from)
                      : `${formatShortDate(u.from)} to ${formatShortDate(u.to)}`,
                  )
                  .join('; ')}
                .
              </p>
            ) : null}
            {visible.length === 0 ? (
              <p>
                There are no free slots that suit this pathway with these filters. Try other dates or clinics.
              </p>
            ) : (
              <form onSubmit={choose} noValidate>
                <div
                  className={selectError ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}
                >
                  <fieldset
                    className="nhsuk-fieldset"
                    aria-describedby={selectError ? 'slot-error' : 'slot-hint'}
                  >
                    <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
                      Choose a slot
                    </legend>
                    <div className="nhsuk-hint" id="slot-hint">
                      Slots with 21 days’ notice or more are reasonable offers. Use the arrow keys to move
                      between slots.
                    </div>
                    {selectError ? (
                      <span className="nhsuk-error-message" id="slot-error">
                        <span className="nhsuk-u-visually-hidden">Error: </span>
                        {selectError}
                      </span>
                    ) : null}
                    {[...byDate].map(([date, slots], d) => (
                      <div key={date}>
                        <h3 className="nhsuk-heading-s nhsuk-u-margin-top-4 nhsuk-u-margin-bottom-2">
                          {formatWeekdayDate(date)}
                        </h3>
                        <div className="nhsuk-radios">
                          {slots.map((s, i) => {
                            const id = d === 0 && i === 0 ? 'slot' : `slot-${s.id}`;
                            return (
                              <div className="nhsuk-radios__item" key={s.id}>
                                <input
                                  className="nhsuk-radios__input"
                                  id={id}
                                  name="slot"
                                  type="radio"
                                  value={s.id}
                                  checked={selected === s.id}
                                  onChange={() => setSelected(s.id)}
                                  aria-describedby={`${id}-hint`}
                                />
                                <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                                  {formatTime(new Date(s.startsAt))}, {s.clinic.name}
                                </label>
                                <div className="nhsuk-hint nhsuk-radios__hint" id={`${id}-hint`}>
                                  {s.clinician ? `${s.clinician.name}, ` : ''}
                                  {s.location.name}, {s.location.site}. {slotTypeLabel(s.slotType)}.{' '}
                                  {noticeLabel(s.noticeDays)} <NoticeTag reasonable={s.reasonable} />
                                </div>
                              </div>
                            );
                          })}
                        </div>
                      </div>
                    ))}
                  </fieldset>
                </div>
                {data.more ? (
                  <p>More slots match than are shown: choose a shorter range of dates to see them all.</p>
                ) : null}
                <button className="nhsuk-button" type="submit">
                  Continue
                </button>
              </form>
            )}
          </>
        ) : null}
      </div>
    </div>
  );
}
