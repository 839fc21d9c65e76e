/**
 * The parts every spreadsheet import page shares (referrals; an e-RS worklist or a PTL extract on the data
 * exchange page): choosing the file and worksheet, what to fix before it is sent, the request, what a refusal
 * means for the form, and the results of the check or the import with the button that imports the file.
 */
import { useRef, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../api/client';
import {
  MAX_IMPORT_FILE_BYTES,
  fileToBase64,
  type ImportReport,
  type ImportRequest,
} from '../../api/referrals';
import type { ErrorSummaryItem } from '../../components/error-summary';
import { TextInput } from '../../components/text-input';
import { ImportReportView, isClean, reportErrors } from './import-report';

export const FILE_ID = 'file';
export const SHEET_ID = 'sheet';

export type UploadField = 'file' | 'sheet';

export interface UploadFailure<F extends string = UploadField> {
  fields: Partial<Record<F, string>>;
  /** Errors about no one field: no connection, or a fault on our side. */
  other: string[];
}

export type ImportBusy = 'checking' | 'importing' | null;

/** What the person must fix before the file is sent. */
export function checkFile(file: File | null): string | undefined {
  if (!file) return 'Select a CSV or Excel file';
  if (file.size === 0) return 'The selected file is empty';
  if (file.size > MAX_IMPORT_FILE_BYTES) return 'The selected file must be smaller than 5MB';
  return undefined;
}

export const UNREADABLE_FILE = 'The selected file could not be read. Select it again';

/**
 * The request for the file, or null when the browser cannot read it: its bytes in base64, the worksheet if
 * named, and the rows confirmed as separate referrals.
 */
export async function uploadRequest(
  file: File,
  sheet: string,
  dryRun: boolean,
  separate: ReadonlySet<number>,
): Promise<ImportRequest | null> {
  let content: string;
  try {
    content = await fileToBase64(file);
  } catch {
    return null;
  }
  const body: ImportRequest = { fileName: file.name, content, dryRun };
  const worksheet = sheet.trim();
  if (worksheet) body.sheet = worksheet;
  if (separate.size > 0) body.allowDuplicateRows = [...separate].sort((a, b) => a - b);
  return body;
}

/**
 * The server's answer to a request it refused, other than a refused import. `forbidden` says what a 403
 * means ("Importing referrals is not part of your role.").
 */
export function uploadFailure(err: unknown, forbidden: string): UploadFailure {
  if (!(err instanceof ApiError)) {
    return { fields: {}, other: ['Sorry, there is a problem with the service. Try again later.'] };
  }
  if (err.code === 'validation_failed') {
    // A file that cannot be read as a table: the server's messages are written for the person importing.
    const fields: UploadFailure['fields'] = {};
    const file = err.fieldError('fileName') ?? err.fieldError('content');
    if (file) fields.file = file;
    const sheet = err.fieldError('sheet');
    if (sheet) fields.sheet = sheet;
    if (fields.file || fields.sheet) return { fields, other: [] };
  }
  if (err.status === 403) return { fields: {}, other: [forbidden] };
  return { fields: {}, other: [err.detail || err.title] };
}

/** What the error summary lists: the file, then the worksheet, then the rest, then the report's problems. */
export function uploadErrors(failure: UploadFailure | null, report: ImportReport | null): ErrorSummaryItem[] {
  const items: ErrorSummaryItem[] = [];
  if (failure?.fields.file) items.push({ text: failure.fields.file, fieldId: FILE_ID });
  if (failure?.fields.sheet) items.push({ text: failure.fields.sheet, fieldId: SHEET_ID });
  for (const text of failure?.other ?? []) items.push({ text });
  if (report) items.push(...reportErrors(report));
  return items;
}

/** The rows confirmed as separate, with `row` ticked (`on`) or not. */
export function withRow(rows: ReadonlySet<number>, row: number, on: boolean): ReadonlySet<number> {
  const next = new Set(rows);
  if (on) next.add(row);
  else next.delete(row);
  return next;
}

/**
 * The state of the form every import page keeps: the file chosen (`fileKey` changes to clear the file input,
 * which React cannot set), the worksheet, the rows ticked as separate referrals and whether the answers
 * changed since the last check (`stale`), and what is being sent (`busy`).
 */
export function useUpload() {
  const [file, setFile] = useState<File | null>(null);
  const [fileKey, setFileKey] = useState(0);
  const [sheet, setSheet] = useState('');
  const [separate, setSeparate] = useState<ReadonlySet<number>>(new Set());
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState<ImportBusy>(null);
  const sending = useRef(false);
  return {
    file,
    fileKey,
    sheet,
    separate,
    stale,
    busy,
    sending,
    setFile,
    setSheet,
    setSeparate,
    setStale,
    /** Ticks or unticks a row as a separate referral: the file must be checked again. */
    toggle: (row: number, on: boolean) => {
      setSeparate((rows) => withRow(rows, row, on));
      setStale(true);
    },
    /** Done: ready for the next file. */
    clear: () => {
      setFile(null);
      setFileKey((k) => k + 1);
      setSheet('');
      setSeparate(new Set());
    },
    /** Sends (`work`) as a check or an import, showing which meanwhile; one at a time. */
    sendWith: async (dryRun: boolean, work: () => Promise<void>) => {
      sending.current = true;
      setBusy(dryRun ? 'checking' : 'importing');
      try {
        await work();
      } finally {
        sending.current = false;
        setBusy(null);
      }
    },
  };
}

export type Upload = ReturnType<typeof useUpload>;

/**
 * The file upload, the worksheet name and the "Check file" button; `ready` makes the check the secondary
 * action once the file can be imported.
 */
function UploadFields({
  upload,
  hint,
  failure,
  checked,
  onFile,
  ready,
}: {
  upload: Upload;
  hint: string;
  failure: UploadFailure<string> | null;
  /** A report is shown: changing the worksheet makes it stale. */
  checked: boolean;
  onFile: (file: File | null) => void;
  ready: boolean;
}) {
  const fileError = failure?.fields.file;
  const describedBy = [`${FILE_ID}-hint`, fileError ? `${FILE_ID}-error` : ''].filter(Boolean).join(' ');
  return (
    <>
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
          {hint}
        </div>
        {fileError ? (
          <span className="nhsuk-error-message" id={`${FILE_ID}-error`}>
            <span className="nhsuk-u-visually-hidden">Error: </span>
            {fileError}
          </span>
        ) : null}
        <input
          key={upload.fileKey}
          className="nhsuk-file-upload__input"
          id={FILE_ID}
          name="file"
          type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          aria-describedby={describedBy}
          aria-invalid={fileError ? true : undefined}
          onChange={(event: ChangeEvent<HTMLInputElement>) => onFile(event.target.files?.[0] ?? null)}
        />
      </div>
      <TextInput
        id={SHEET_ID}
        name="sheet"
        label="Worksheet name (optional)"
        hint="For an Excel workbook with more than one worksheet. If you leave this blank, the first worksheet is used."
        value={upload.sheet}
        onChange={(value) => {
          upload.setSheet(value);
          if (checked) upload.setStale(true);
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
    </>
  );
}

/**
 * Below the form: the results of the check (or of a refused import) with what is being done meanwhile
 * (`importing` says what is imported), the report, `children` after it, the button that imports the file
 * once it is `ready` (`rowsOf` counts its rows: "2 referrals"), and a reminder to check again.
 */
function ImportResults({
  upload,
  report,
  importing,
  ready,
  rowsOf,
  send,
  children,
}: {
  upload: Upload;
  report: ImportReport | null;
  importing: string;
  ready: boolean;
  rowsOf: (n: number) => string;
  /** Checks the file again (`dryRun`) or imports it. */
  send: (dryRun: boolean) => Promise<void>;
  children?: ReactNode;
}) {
  const { busy, separate, stale } = upload;
  let status = '';
  if (busy === 'checking') status = 'Checking the file…';
  else if (busy === 'importing') status = importing;
  else if (report) status = report.summary.message;
  return (
    <>
      {report ? (
        <h2 className="nhsuk-heading-m nhsuk-u-text-break-word">
          {report.dryRun ? 'Results of the check' : 'Results of the import'}: {report.fileName}
        </h2>
      ) : null}
      <div role="status" data-testid="import-status">
        {status ? <p className="nhsuk-body-l">{status}</p> : null}
      </div>
      {report ? (
        <>
          <ImportReportView
            report={report}
            allowed={separate}
            onToggleDuplicate={upload.toggle}
            stale={stale}
            onCheckAgain={() => void send(true)}
          />
          {children}
        </>
      ) : null}
      {ready && report ? (
        <button className="nhsuk-button" type="button" onClick={() => void send(false)}>
          Import {rowsOf(report.rows)}
        </button>
      ) : null}
      {report && stale ? (
        <p className="nhsuk-body">You have changed your answers. Check the file again before importing.</p>
      ) : null}
    </>
  );
}

/**
 * The import form and, below it, the results: `before` the file fields (what is imported, say), `hint` the
 * file's, `onFile` when one is chosen; `send` checks the file (the form's submit) or imports it.
 * `children` come after the report; `importing` and `rowsOf` as `ImportResults` takes them.
 */
export function UploadForm({
  upload,
  before,
  hint,
  failure,
  report,
  onFile,
  send,
  importing,
  rowsOf,
  children,
}: {
  upload: Upload;
  before?: ReactNode;
  hint: string;
  failure: UploadFailure<string> | null;
  report: ImportReport | null;
  onFile: (file: File | null) => void;
  send: (dryRun: boolean) => Promise<void>;
  importing: string;
  rowsOf: (n: number) => string;
  children?: ReactNode;
}) {
  const ready = report !== null && report.dryRun && isClean(report) && !upload.stale;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void send(true);
  };
  return (
    <>
      <form onSubmit={submit} noValidate>
        {before}
        <UploadFields
          upload={upload}
          hint={hint}
          failure={failure}
          checked={report !== null}
          onFile={onFile}
          ready={ready}
        />
      </form>

      <ImportResults
        upload={upload}
        report={report}
        importing={importing}
        ready={ready}
        rowsOf={rowsOf}
        send={send}
      >
        {children}
      </ImportResults>
    </>
  );
}
