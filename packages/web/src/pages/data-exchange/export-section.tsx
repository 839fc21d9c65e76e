import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import {
  DateInput,
  dateFieldId,
  isBlankDate,
  isoFromParts,
  type DateParts,
} from '../../components/date-input';
import type { ErrorSummaryItem } from '../../components/error-summary';
import { TextInput } from '../../components/text-input';
import { useSession } from '../../session/session-context';
import { downloadFile, exportUrl, ptlExportUrl, type ExportFormat, type ExportKind } from './exchange-api';

/** The longest range one export covers, as the server has it. */
const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

type Field = 'from' | 'to' | 'specialty';
type FieldErrors = Partial<Record<Field, string>>;

const FORMAT_NAMES: Record<ExportFormat, string> = { xlsx: 'Excel', csv: 'CSV' };

/** Today's date parts in the UK, and the first of this month. */
function londonToday(): { day: number; month: number; year: number } {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(new Date())
    .split('-')
    .map(Number) as [number, number, number];
  return { day, month, year };
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** The range the person entered, or what is wrong with it (the server checks the same again). */
function checkRange(
  from: DateParts,
  to: DateParts,
  specialty: string,
): { errors: FieldErrors } | { range: { from: string; to: string; specialty?: string } } {
  const errors: FieldErrors = {};
  const fromIso = isoFromParts(from);
  const toIso = isoFromParts(to);
  if (isBlankDate(from)) errors.from = 'Enter the first day';
  else if (!fromIso) errors.from = 'The first day must be a real date, like 1 11 2026';
  if (isBlankDate(to)) errors.to = 'Enter the last day';
  else if (!toIso) errors.to = 'The last day must be a real date, like 30 11 2026';
  if (fromIso && toIso) {
    if (toIso < fromIso) errors.to = 'The last day must be the same as or after the first day';
    else if (daysBetween(fromIso, toIso) + 1 > MAX_RANGE_DAYS) {
      errors.to = `The dates must cover ${MAX_RANGE_DAYS} days or fewer`;
    }
  }
  const code = specialty.trim();
  if (code && !/^\d{3}$/.test(code)) errors.specialty = 'Enter the specialty as its 3-digit code, like 110';
  if (Object.keys(errors).length > 0 || !fromIso || !toIso) return { errors };
  return { range: { from: fromIso, to: toIso, ...(code ? { specialty: code } : {}) } };
}

interface RangeFormProps {
  kind: ExportKind;
  heading: string;
  description: string;
  /** What the specialty filters, for its hint. */
  specialtyHint: string;
  onErrors: (kind: ExportKind, items: ErrorSummaryItem[], attempt: number) => void;
}

/** A date range, an optional specialty and a download button for each format. */
function RangeForm({ kind, heading, description, specialtyHint, onErrors }: RangeFormProps) {
  const { expired } = useSession();
  const today = londonToday();
  const [from, setFrom] = useState<DateParts>({
    day: '1',
    month: String(today.month),
    year: String(today.year),
  });
  const [to, setTo] = useState<DateParts>({
    day: String(today.day),
    month: String(today.month),
    year: String(today.year),
  });
  const [specialty, setSpecialty] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState('');
  const attempt = useRef(0);
  const busy = useRef(false);
  const id = (field: Field) => `${kind}-${field}`;

  const fail = (next: FieldErrors, other: string[] = []) => {
    setErrors(next);
    setStatus('');
    attempt.current += 1;
    const items: ErrorSummaryItem[] = [];
    if (next.from) items.push({ text: next.from, fieldId: dateFieldId(id('from')) });
    if (next.to) items.push({ text: next.to, fieldId: dateFieldId(id('to')) });
    if (next.specialty) items.push({ text: next.specialty, fieldId: id('specialty') });
    for (const text of other) items.push({ text });
    onErrors(kind, items, attempt.current);
  };

  const download = async (format: ExportFormat) => {
    if (busy.current) return;
    const checked = checkRange(from, to, specialty);
    if ('errors' in checked) return fail(checked.errors);
    busy.current = true;
    setErrors({});
    onErrors(kind, [], attempt.current);
    setStatus(`Preparing your ${FORMAT_NAMES[format]} file…`);
    try {
      const name = await downloadFile(
        exportUrl(kind, format, checked.range),
        `${kind}-${checked.range.from}-to-${checked.range.to}.${format}`,
      );
      setStatus(`Your file ${name} has downloaded.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      if (err instanceof ApiError && err.status === 400) {
        const next: FieldErrors = {};
        const other: string[] = [];
        for (const e of err.errors) {
          const field = /^\/query\/(from|to|specialty)$/.exec(e.field)?.[1] as Field | undefined;
          if (field) next[field] = e.message;
          else other.push(e.message);
        }
        return fail(next, other.length > 0 || Object.keys(next).length > 0 ? other : [err.detail]);
      }
      if (err instanceof ApiError && err.status === 403)
        return fail({}, ['Downloading this is not part of your role.']);
      fail({}, [
        err instanceof ApiError && err.status !== 0
          ? err.detail || err.title
          : 'Sorry, there is a problem with the service. Try again later.',
      ]);
    } finally {
      busy.current = false;
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void download('xlsx');
  };

  return (
    <section aria-labelledby={`${kind}-heading`}>
      <h3 className="nhsuk-heading-m" id={`${kind}-heading`}>
        {heading}
      </h3>
      <p className="nhsuk-body">{description}</p>
      <form onSubmit={submit} noValidate>
        <DateInput
          id={id('from')}
          legend="First day"
          hint="For example, 1 11 2026"
          value={from}
          onChange={setFrom}
          error={errors.from}
        />
        <DateInput
          id={id('to')}
          legend="Last day"
          hint={`Up to ${MAX_RANGE_DAYS} days after the first day, including both`}
          value={to}
          onChange={setTo}
          error={errors.to}
        />
        <TextInput
          id={id('specialty')}
          name={id('specialty')}
          label="Specialty code (optional)"
          hint={specialtyHint}
          value={specialty}
          onChange={setSpecialty}
          error={errors.specialty}
          inputMode="numeric"
          spellCheck={false}
          autoComplete="off"
          width={10}
        />
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--secondary" type="submit">
            Download {heading.toLowerCase()} as Excel
          </button>
          <button
            className="nhsuk-button nhsuk-button--secondary"
            type="button"
            onClick={() => void download('csv')}
          >
            Download {heading.toLowerCase()} as CSV
          </button>
        </div>
      </form>
      <div role="status" data-testid={`${kind}-status`}>
        {status ? <p className="nhsuk-body">{status}</p> : null}
      </div>
    </section>
  );
}

/** Downloads: the PTL (its own export), and the appointments and activity of a date range. */
export function ExportSection({
  canReadWaitingList,
  canReadAppointments,
  onErrors,
}: {
  canReadWaitingList: boolean;
  canReadAppointments: boolean;
  onErrors: (kind: ExportKind, items: ErrorSummaryItem[], attempt: number) => void;
}) {
  return (
    <section aria-labelledby="export-heading">
      <h2 className="nhsuk-heading-l" id="export-heading">
        Download data
      </h2>
      <p className="nhsuk-body">
        Files are Excel workbooks or CSV files (UTF-8) that open in Excel. They name patients: keep them
        secure and delete them when you no longer need them. Each download is recorded.
      </p>
      {canReadWaitingList ? (
        <section aria-labelledby="ptl-heading">
          <h3 className="nhsuk-heading-m" id="ptl-heading">
            Patient tracking list
          </h3>
          <p className="nhsuk-body">
            Every open pathway with a running RTT clock, with waits and breach dates. To download part of the
            list, <Link to="/ptl">filter the patient tracking list</Link> and download it from there.
          </p>
          <ul className="nhsuk-list">
            <li>
              <a href={ptlExportUrl('xlsx')} download>
                Download the patient tracking list as Excel
              </a>
            </li>
            <li>
              <a href={ptlExportUrl('csv')} download>
                Download the patient tracking list as CSV
              </a>
            </li>
          </ul>
        </section>
      ) : null}
      {canReadAppointments ? (
        <RangeForm
          kind="appointments"
          heading="Appointments"
          description="Every appointment on the days you choose, whatever its status: booked, attended, did not attend, cancelled or moved, with its clinic and patient."
          specialtyHint="Only appointments in this specialty’s clinics, for example 110 for trauma and orthopaedics. Leave blank for all."
          onErrors={onErrors}
        />
      ) : null}
      {canReadWaitingList ? (
        <RangeForm
          kind="activity"
          heading="Activity"
          description="What happened on the days you choose: attendances with their outcomes, missed appointments, cancellations by patients and by the hospital, appointments with no attendance recorded, and RTT clock stops."
          specialtyHint="Only this specialty, for example 110 for trauma and orthopaedics. Leave blank for all."
          onErrors={onErrors}
        />
      ) : null}
    </section>
  );
}
