import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'react-router';
import { REFERRAL_FIELD_LABELS, REFERRAL_FIELDS, REQUIRED_REFERRAL_COLUMNS } from '@pathflow/core';
import { ApiError } from '../../api/client';
import {
  MAX_IMPORT_FILE_BYTES,
  fileToBase64,
  importReferrals,
  refusedReport,
  type ImportReport,
  type ImportRequest,
} from '../../api/referrals';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { InsetText } from '../../components/inset-text';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { TextInput } from '../../components/text-input';
import { usePageTitle } from '../../components/use-page-title';
import { useSession, useSignedInSession } from '../../session/session-context';
import { ImportReportView, isClean, reportErrors } from './import-report';
import { RecentImports } from './recent-imports';
import { referralCount } from './referral-format';

const FILE_ID = 'file';
const SHEET_ID = 'sheet';

type Field = 'file' | 'sheet';
type FieldErrors = Partial<Record<Field, string>>;

/** "A, B and C". */
function listOf(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

const REQUIRED_HEADINGS = listOf(REQUIRED_REFERRAL_COLUMNS.map((f) => REFERRAL_FIELD_LABELS[f]));
const OTHER_HEADINGS = listOf(
  REFERRAL_FIELDS.filter((f) => !(REQUIRED_REFERRAL_COLUMNS as readonly string[]).includes(f)).map(
    (f) => REFERRAL_FIELD_LABELS[f],
  ),
);

/** What the person must fix before we send the file. */
function checkFile(file: File | null): string | undefined {
  if (!file) return 'Select a CSV or Excel file';
  if (file.size === 0) return 'The selected file is empty';
  if (file.size > MAX_IMPORT_FILE_BYTES) return 'The selected file must be smaller than 5MB';
  return undefined;
}

interface Failure {
  fields: FieldErrors;
  /** Errors about no one field: no connection, or a fault on our side. */
  other: string[];
}

/** The server's answer to a request it refused, other than a refused import. */
function failureFrom(err: unknown): Failure {
  if (!(err instanceof ApiError)) {
    return { fields: {}, other: ['Sorry, there is a problem with the service. Try again later.'] };
  }
  if (err.code === 'validation_failed') {
    // A file that cannot be read as a table: the server's messages are written for the person importing.
    const fields: FieldErrors = {};
    const file = err.fieldError('fileName') ?? err.fieldError('content');
    if (file) fields.file = file;
    const sheet = err.fieldError('sheet');
    if (sheet) fields.sheet = sheet;
    if (fields.file || fields.sheet) return { fields, other: [] };
  }
  if (err.status === 403) {
    return { fields: {}, other: ['Importing referrals is not part of your role.'] };
  }
  return { fields: {}, other: [err.detail || err.title] };
}

/**
 * Import referrals from a CSV or Excel file: check it first (a dry run on the server), confirm any possible
 * duplicates, then import every row, or none. Below, the organisation's recent imports.
 */
export function ImportPage() {
  const { user } = useSignedInSession();
  const allowed = user.permissions.includes('Referral.write');
  if (!allowed) return <NoAccess what="Importing referrals" user={user} />;
  return <ImportForm />;
}

function ImportForm() {
  const { expired } = useSession();
  const [file, setFile] = useState<File | null>(null);
  // Changing the key clears the file input, which React cannot set.
  const [fileKey, setFileKey] = useState(0);
  const [sheet, setSheet] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  // Rows the person has ticked as separate referrals, and whether they changed since the last check.
  const [separate, setSeparate] = useState<ReadonlySet<number>>(new Set());
  const [stale, setStale] = useState(false);
  const [imported, setImported] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState<'checking' | 'importing' | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [historyVersion, setHistoryVersion] = useState(0);
  const sending = useRef(false);

  const errorItems: ErrorSummaryItem[] = [];
  if (failure?.fields.file) errorItems.push({ text: failure.fields.file, fieldId: FILE_ID });
  if (failure?.fields.sheet) errorItems.push({ text: failure.fields.sheet, fieldId: SHEET_ID });
  for (const text of failure?.other ?? []) errorItems.push({ text });
  if (report) errorItems.push(...reportErrors(report));
  usePageTitle('Import referrals', { error: errorItems.length > 0 });

  const fail = (next: Failure) => {
    setFailure(next);
    setAttempt((n) => n + 1);
  };

  const chooseFile = (event: ChangeEvent<HTMLInputElement>) => {
    setFile(event.target.files?.[0] ?? null);
    setReport(null);
    setSeparate(new Set());
    setStale(false);
    setFailure(null);
    setImported(null);
  };

  const toggleSeparate = (row: number, on: boolean) => {
    setSeparate((rows) => {
      const next = new Set(rows);
      if (on) next.add(row);
      else next.delete(row);
      return next;
    });
    setStale(true);
  };

  const send = async (dryRun: boolean) => {
    if (sending.current) return;
    const invalid = checkFile(file);
    if (invalid || !file) return fail({ fields: { file: invalid ?? '' }, other: [] });
    sending.current = true;
    setBusy(dryRun ? 'checking' : 'importing');
    setImported(null);
    try {
      let content: string;
      try {
        content = await fileToBase64(file);
      } catch {
        setReport(null);
        return fail({ fields: { file: 'The selected file could not be read. Select it again' }, other: [] });
      }
      const body: ImportRequest = { fileName: file.name, content, dryRun };
      const worksheet = sheet.trim();
      if (worksheet) body.sheet = worksheet;
      if (separate.size > 0) body.allowDuplicateRows = [...separate].sort((a, b) => a - b);
      try {
        const answer = await importReferrals(body);
        setFailure(null);
        setStale(false);
        if (dryRun) {
          setReport(answer);
          if (!isClean(answer)) setAttempt((n) => n + 1);
        } else {
          // Done: ready for the next file.
          setImported(answer);
          setReport(null);
          setFile(null);
          setFileKey((k) => k + 1);
          setSheet('');
          setSeparate(new Set());
          setHistoryVersion((v) => v + 1);
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return expired();
        const refused = err instanceof ApiError ? refusedReport(err.body) : null;
        if (refused) {
          // Nothing was imported: the report says why, as a check would.
          setFailure(null);
          setStale(false);
          setReport(refused);
          setAttempt((n) => n + 1);
          if (!dryRun) setHistoryVersion((v) => v + 1);
          return;
        }
        setReport(null);
        fail(failureFrom(err));
      }
    } finally {
      sending.current = false;
      setBusy(null);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void send(true);
  };

  const fileError = failure?.fields.file;
  const describedBy = [`${FILE_ID}-hint`, fileError ? `${FILE_ID}-error` : ''].filter(Boolean).join(' ');
  const ready = report !== null && report.dryRun && isClean(report) && !stale;

  let status = '';
  if (busy === 'checking') status = 'Checking the file…';
  else if (busy === 'importing') status = 'Importing the referrals…';
  else if (report) status = report.summary.message;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {errorItems.length > 0 ? <ErrorSummary key={attempt} items={errorItems} /> : null}
        {imported ? (
          <NotificationBanner
            key={imported.importId}
            success
            focusOnShow
            title="Success"
            heading={`${referralCount(imported.importedRows)} imported`}
          >
            <p className="nhsuk-body">
              Every row of {imported.fileName} was imported. Referrals still to be triaged are on the triage
              worklist.
            </p>
            <p className="nhsuk-body">
              <Link className="nhsuk-notification-banner__link" to="/referrals">
                View referrals waiting for triage
              </Link>
            </p>
          </NotificationBanner>
        ) : null}
        <PageHeading>Import referrals</PageHeading>
        <p className="nhsuk-body">
          Add referrals from a spreadsheet. Pathflow checks the whole file first and tells you about any
          problems, row by row.
        </p>
        <InsetText>
          <p>
            Use the usual column headings in the first row. Every file needs {REQUIRED_HEADINGS}. Where they
            apply, Pathflow also reads {OTHER_HEADINGS}.
          </p>
          <p>Nothing is imported unless every row is right.</p>
        </InsetText>

        <form onSubmit={submit} noValidate>
          <div
            className={
              fileError
                ? 'nhsuk-form-group nhsuk-form-group--error nhsuk-file-upload'
                : 'nhsuk-form-group nhsuk-file-upload'
            }
          >
            <label className="nhsuk-label nhsuk-label--s" htmlFor={FILE_ID}>
              Upload a file
            </label>
            <div className="nhsuk-hint" id={`${FILE_ID}-hint`}>
              A CSV file (saved as CSV UTF-8) or an Excel workbook (.xlsx), smaller than 5MB
            </div>
            {fileError ? (
              <span className="nhsuk-error-message" id={`${FILE_ID}-error`}>
                <span className="nhsuk-u-visually-hidden">Error: </span>
                {fileError}
              </span>
            ) : null}
            <input
              key={fileKey}
              className="nhsuk-file-upload__input"
              id={FILE_ID}
              name="file"
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby={describedBy}
              aria-invalid={fileError ? true : undefined}
              onChange={chooseFile}
            />
          </div>
          <TextInput
            id={SHEET_ID}
            name="sheet"
            label="Worksheet name (optional)"
            hint="For an Excel workbook with more than one worksheet. If you leave this blank, the first worksheet is used."
            value={sheet}
            onChange={(value) => {
              setSheet(value);
              if (report) setStale(true);
            }}
            error={failure?.fields.sheet}
            autoComplete="off"
            spellCheck={false}
            width={20}
          />
          {/* Once the file is ready to import, that is the one main action on the page. */}
          <button className={ready ? 'nhsuk-button nhsuk-button--secondary' : 'nhsuk-button'} type="submit">
            Check file
          </button>
        </form>

        {report ? (
          <h2 className="nhsuk-heading-m nhsuk-u-text-break-word">
            {report.dryRun ? 'Results of the check' : 'Results of the import'}: {report.fileName}
          </h2>
        ) : null}
        <div role="status" data-testid="import-status">
          {status ? <p className="nhsuk-body-l">{status}</p> : null}
        </div>
        {report ? (
          <ImportReportView
            report={report}
            allowed={separate}
            onToggleDuplicate={toggleSeparate}
            stale={stale}
            onCheckAgain={() => void send(true)}
          />
        ) : null}
        {ready ? (
          <button className="nhsuk-button" type="button" onClick={() => void send(false)}>
            Import {referralCount(report.rows)}
          </button>
        ) : null}
        {report && stale ? (
          <p className="nhsuk-body">You have changed your answers. Check the file again before importing.</p>
        ) : null}

        <RecentImports version={historyVersion} />
      </div>
    </div>
  );
}
