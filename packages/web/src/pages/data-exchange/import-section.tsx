import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { refusedReport, type ImportReport } from '../../api/referrals';
import { CaptionedTable } from '../../components/captioned-table';
import type { ErrorSummaryItem } from '../../components/error-summary';
import { FieldsetGroup, Radios } from '../../components/form-fields';
import { NotificationBanner } from '../../components/notification-banner';
import { useSession } from '../../session/session-context';
import { formatCount } from '../../format';
import { isClean } from '../referrals/import-report';
import { formatLongDate, referralCount } from '../referrals/referral-format';
import {
  UNREADABLE_FILE,
  UploadForm,
  checkFile,
  uploadErrors,
  uploadFailure,
  uploadRequest,
  useUpload,
  type UploadFailure,
  type UploadField,
} from '../referrals/spreadsheet-upload';
import {
  asImportReport,
  importErsWorklist,
  importPtlExtract,
  refusedPtlReport,
  type PtlReport,
} from './exchange-api';

export type ImportKind = 'ptl-extract' | 'ers-worklist';

const KIND_ID = 'kind';

/** "1 pathway", "2 pathways". */
export const pathwayCount = (n: number) => `${formatCount(n)} ${n === 1 ? 'pathway' : 'pathways'}`;

const KIND_LABELS: Record<ImportKind, string> = {
  'ptl-extract': 'A PTL extract from another patient administration system (PAS)',
  'ers-worklist': 'An e-RS worklist: Referrals for Review or Appointment Slot Issues',
};

/** What the page says when the person may import only one kind of file. */
const ONLY_KIND: Record<ImportKind, string> = {
  'ptl-extract': 'You can import a PTL extract from another patient administration system (PAS).',
  'ers-worklist': 'You can import an e-RS worklist: Referrals for Review or Appointment Slot Issues.',
};

type Failure = UploadFailure<'kind' | UploadField>;

/** What a 403 means, for each kind of file. */
const FORBIDDEN: Record<ImportKind, string> = {
  'ptl-extract': 'Importing a PTL extract is not part of your role.',
  'ers-worklist': 'Importing referrals is not part of your role.',
};

/** What a report's rows are: "2 pathways", "1 referral". */
const rowsOf = (kind: ImportKind, n: number) => (kind === 'ptl-extract' ? pathwayCount(n) : referralCount(n));

interface Checked {
  kind: ImportKind;
  /** As the report view shows it. */
  report: ImportReport;
  /** The PTL report itself, for what only it has (pathways to book). */
  ptl: PtlReport | null;
}

function ToBook({ report, imported }: { report: PtlReport; imported: boolean }) {
  if (report.toBook.length === 0) return null;
  return (
    <>
      <h3 className="nhsuk-heading-s">
        {report.toBook.length === 1
          ? '1 pathway is booked in the other system'
          : `${formatCount(report.toBook.length)} pathways are booked in the other system`}
      </h3>
      <p className="nhsuk-body">
        Pathflow cannot book into another system’s clinics, so {imported ? 'these were' : 'these will be'}{' '}
        imported as not booked. Book {report.toBook.length === 1 ? 'it' : 'them'} in Pathflow, on or before
        the date booked in the other system.
      </p>
      <CaptionedTable
        captionId="to-book-caption"
        caption="Pathways to book"
        columns={[{ label: 'Row', numeric: true }, { label: 'PPID' }, { label: 'Booked for' }]}
      >
        {report.toBook.map((b) => (
          <tr className="nhsuk-table__row" key={b.row}>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{b.row}</td>
            <td className="nhsuk-table__cell">
              {b.pathwayId ? <Link to={`/pathways/${b.pathwayId}`}>{b.ppid}</Link> : b.ppid}
            </td>
            <td className="nhsuk-table__cell">{b.bookedDate ? formatLongDate(b.bookedDate) : 'Not given'}</td>
          </tr>
        ))}
      </CaptionedTable>
    </>
  );
}

/**
 * Import an e-RS worklist or a PTL extract: choose what it is and the file, check it first (a dry run), then
 * import every row, or none. The problems are shown row by row, with the referral import's report view.
 * `onErrors` gives the page what its error summary lists.
 */
export function ImportSection({
  kinds,
  onErrors,
}: {
  /** What the person may import (at least one). */
  kinds: readonly ImportKind[];
  onErrors: (items: ErrorSummaryItem[], attempt: number) => void;
}) {
  const { expired } = useSession();
  const [kind, setKind] = useState<ImportKind | ''>(kinds.length === 1 ? kinds[0]! : '');
  const upload = useUpload();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [imported, setImported] = useState<Checked | null>(null);
  const attempt = useRef(0);

  const publish = (nextFailure: Failure | null, nextChecked: Checked | null, refocus: boolean) => {
    const items: ErrorSummaryItem[] = [];
    if (nextFailure?.fields.kind) items.push({ text: nextFailure.fields.kind, fieldId: KIND_ID });
    items.push(...uploadErrors(nextFailure, nextChecked?.report ?? null));
    if (refocus) attempt.current += 1;
    onErrors(items, attempt.current);
  };
  const show = (nextFailure: Failure | null, nextChecked: Checked | null) => {
    setFailure(nextFailure);
    setChecked(nextChecked);
    const failed = nextFailure !== null || (nextChecked !== null && !isClean(nextChecked.report));
    publish(nextFailure, nextChecked, failed);
  };

  const reset = () => {
    upload.setSeparate(new Set());
    upload.setStale(false);
    setImported(null);
    show(null, null);
  };

  const chooseFile = (chosen: File | null) => {
    upload.setFile(chosen);
    reset();
  };

  const send = async (dryRun: boolean) => {
    if (upload.sending.current) return;
    const { file, separate } = upload;
    const fields: Failure['fields'] = {};
    if (kind === '') fields.kind = 'Select what you are importing';
    const invalid = checkFile(file);
    if (invalid) fields.file = invalid;
    if (kind === '' || invalid || !file) return show({ fields, other: [] }, null);
    setImported(null);
    await upload.sendWith(dryRun, async () => {
      const body = await uploadRequest(
        file,
        upload.sheet,
        dryRun,
        kind === 'ers-worklist' ? separate : new Set(),
      );
      if (!body) return show({ fields: { file: UNREADABLE_FILE }, other: [] }, null);
      try {
        let answer: Checked;
        if (kind === 'ptl-extract') {
          const ptl = await importPtlExtract(body);
          answer = { kind, report: asImportReport(ptl), ptl };
        } else {
          answer = { kind, report: await importErsWorklist(body), ptl: null };
        }
        upload.setStale(false);
        if (dryRun) return show(null, answer);
        setImported(answer);
        upload.clear();
        show(null, null);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return expired();
        const body = err instanceof ApiError ? err.body : undefined;
        const ptl = kind === 'ptl-extract' ? refusedPtlReport(body) : null;
        const ers = kind === 'ers-worklist' ? refusedReport(body) : null;
        if (ptl || ers) {
          upload.setStale(false);
          return show(null, { kind, report: ptl ? asImportReport(ptl) : ers!, ptl });
        }
        show(uploadFailure(err, FORBIDDEN[kind]), null);
      }
    });
  };

  const report = checked?.report ?? null;

  return (
    <section aria-labelledby="import-heading">
      {imported ? (
        <NotificationBanner
          key={imported.report.importId}
          success
          focusOnShow
          title="Success"
          heading={`${rowsOf(imported.kind, imported.report.importedRows)} imported`}
        >
          <p className="nhsuk-body">
            Every row of {imported.report.fileName} was imported.{' '}
            {imported.kind === 'ptl-extract' && imported.ptl && imported.ptl.summary.newPatients > 0
              ? `${formatCount(imported.ptl.summary.newPatients)} ${imported.ptl.summary.newPatients === 1 ? 'patient was' : 'patients were'} registered.`
              : null}
          </p>
          <p className="nhsuk-body">
            {imported.kind === 'ptl-extract' ? (
              <Link className="nhsuk-notification-banner__link" to="/ptl">
                View the patient tracking list
              </Link>
            ) : (
              <Link className="nhsuk-notification-banner__link" to="/referrals">
                View referrals waiting for triage
              </Link>
            )}
          </p>
        </NotificationBanner>
      ) : null}
      {imported?.ptl ? <ToBook report={imported.ptl} imported /> : null}

      <h2 className="nhsuk-heading-l" id="import-heading">
        Import a file
      </h2>
      <p className="nhsuk-body">
        Pathflow checks the whole file first and lists any problems by row and column. Nothing is imported
        unless every row is right.
      </p>
      <UploadForm
        upload={upload}
        before={
          kinds.length > 1 ? (
            <FieldsetGroup
              id={KIND_ID}
              legend="What are you importing?"
              hint="An e-RS worklist adds referrals waiting for triage, for patients already registered. A PTL extract adds open RTT pathways and registers patients who are not registered yet."
              error={failure?.fields.kind}
            >
              <Radios<ImportKind>
                name={KIND_ID}
                value={kind}
                onChange={(value) => {
                  setKind(value);
                  reset();
                }}
                options={kinds.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
              />
            </FieldsetGroup>
          ) : (
            <p className="nhsuk-body">{ONLY_KIND[kinds[0]!]}</p>
          )
        }
        hint="A CSV file (saved as CSV UTF-8) or an Excel workbook (.xlsx), smaller than 5MB, with the column headings in the first row"
        failure={failure}
        report={report}
        onFile={chooseFile}
        send={send}
        importing={kind === 'ptl-extract' ? 'Importing the pathways…' : 'Importing the referrals…'}
        rowsOf={(n) => rowsOf(checked?.kind ?? 'ers-worklist', n)}
      >
        {checked?.ptl && report && isClean(report) ? <ToBook report={checked.ptl} imported={false} /> : null}
      </UploadForm>
    </section>
  );
}
