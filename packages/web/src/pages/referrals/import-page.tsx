import { useState } from 'react';
import { Link } from 'react-router';
import { REFERRAL_FIELD_LABELS, REFERRAL_FIELDS, REQUIRED_REFERRAL_COLUMNS } from '@pathflow/core';
import { ApiError } from '../../api/client';
import { importReferrals, refusedReport, type ImportReport } from '../../api/referrals';
import { ErrorSummary } from '../../components/error-summary';
import { InsetText } from '../../components/inset-text';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { usePageTitle } from '../../components/use-page-title';
import { useSession, useSignedInSession } from '../../session/session-context';
import { isClean } from './import-report';
import { RecentImports } from './recent-imports';
import { referralCount } from './referral-format';
import {
  UNREADABLE_FILE,
  UploadForm,
  checkFile,
  uploadErrors,
  uploadFailure,
  uploadRequest,
  useUpload,
  type UploadFailure,
} from './spreadsheet-upload';

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
  const upload = useUpload();
  const [failure, setFailure] = useState<UploadFailure | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [imported, setImported] = useState<ImportReport | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [historyVersion, setHistoryVersion] = useState(0);

  const errorItems = uploadErrors(failure, report);
  usePageTitle('Import referrals', { error: errorItems.length > 0 });

  const fail = (next: UploadFailure) => {
    setFailure(next);
    setAttempt((n) => n + 1);
  };

  const chooseFile = (chosen: File | null) => {
    upload.setFile(chosen);
    setReport(null);
    upload.setSeparate(new Set());
    upload.setStale(false);
    setFailure(null);
    setImported(null);
  };

  const send = async (dryRun: boolean) => {
    if (upload.sending.current) return;
    const { file } = upload;
    const invalid = checkFile(file);
    if (invalid || !file) return fail({ fields: { file: invalid ?? '' }, other: [] });
    setImported(null);
    await upload.sendWith(dryRun, async () => {
      const body = await uploadRequest(file, upload.sheet, dryRun, upload.separate);
      if (!body) {
        setReport(null);
        return fail({ fields: { file: UNREADABLE_FILE }, other: [] });
      }
      try {
        const answer = await importReferrals(body);
        setFailure(null);
        upload.setStale(false);
        if (dryRun) {
          setReport(answer);
          if (!isClean(answer)) setAttempt((n) => n + 1);
        } else {
          setImported(answer);
          setReport(null);
          upload.clear();
          setHistoryVersion((v) => v + 1);
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return expired();
        const refused = err instanceof ApiError ? refusedReport(err.body) : null;
        if (refused) {
          // Nothing was imported: the report says why, as a check would.
          setFailure(null);
          upload.setStale(false);
          setReport(refused);
          setAttempt((n) => n + 1);
          if (!dryRun) setHistoryVersion((v) => v + 1);
          return;
        }
        setReport(null);
        fail(uploadFailure(err, 'Importing referrals is not part of your role.'));
      }
    });
  };

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

        <UploadForm
          upload={upload}
          hint="A CSV file (saved as CSV UTF-8) or an Excel workbook (.xlsx), smaller than 5MB"
          failure={failure}
          report={report}
          onFile={chooseFile}
          send={send}
          importing="Importing the referrals…"
          rowsOf={referralCount}
        />

        <RecentImports version={historyVersion} />
      </div>
    </div>
  );
}
