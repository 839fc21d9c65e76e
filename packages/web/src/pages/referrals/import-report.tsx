import type { FormEvent } from 'react';
import { REFERRAL_FIELD_LABELS } from '@pathflow/core';
import type { ImportDuplicate, ImportProblem, ImportReport } from '../../api/referrals';
import type { ErrorSummaryItem } from '../../components/error-summary';
import { formatCount } from '../../format';

/** A file with thousands of problems: the table shows this many, and says so. */
const MOST_PROBLEMS_SHOWN = 500;

export const PROBLEMS_TABLE_ID = 'problems';

/** The id of the checkbox for a row's possible duplicate, which the error summary links to. */
export const duplicateCheckboxId = (row: number) => `duplicate-row-${row}`;

/** A report that lets the import go ahead: no problems, and every possible duplicate confirmed. */
export function isClean(report: ImportReport): boolean {
  return report.summary.problems === 0 && report.summary.blockingDuplicates === 0;
}

interface DuplicateRow {
  row: number;
  messages: string[];
  /** The server counted it as blocking the import (its row was not confirmed when the file was checked). */
  blocking: boolean;
}

/** Possible duplicates by row, in row order: confirming a row confirms each of its duplicates. */
function duplicateRows(duplicates: readonly ImportDuplicate[]): DuplicateRow[] {
  const rows = new Map<number, DuplicateRow>();
  for (const d of duplicates) {
    const row = rows.get(d.row) ?? { row: d.row, messages: [], blocking: false };
    row.messages.push(d.message);
    if (!d.allowed) row.blocking = true;
    rows.set(d.row, row);
  }
  return [...rows.values()].sort((a, b) => a.row - b.row);
}

const duplicateError = (row: number) =>
  `Confirm row ${row} is a separate referral, or remove it from the file`;

/** What the error summary lists for a report: the problems table, then each row to confirm or remove. */
export function reportErrors(report: ImportReport): ErrorSummaryItem[] {
  const items: ErrorSummaryItem[] = [];
  const { problems, rowsWithProblems } = report.summary;
  if (problems > 0) {
    items.push({
      text: `Correct ${problems === 1 ? 'the problem' : `the ${formatCount(problems)} problems`} in ${
        rowsWithProblems === 1 ? '1 row' : `${formatCount(rowsWithProblems)} rows`
      } of the file, then check it again`,
      fieldId: PROBLEMS_TABLE_ID,
    });
  }
  for (const d of duplicateRows(report.duplicates)) {
    if (d.blocking) items.push({ text: duplicateError(d.row), fieldId: duplicateCheckboxId(d.row) });
  }
  return items;
}

/** Where a problem is: the column as headed in the file, else the field it is about, else the whole row. */
function where(problem: ImportProblem): string {
  if (problem.column) return problem.column;
  if (problem.field) return REFERRAL_FIELD_LABELS[problem.field];
  return 'Whole row';
}

function ProblemsTable({ problems }: { problems: readonly ImportProblem[] }) {
  // The server lists them by row then column already; a stable sort keeps that order within a row.
  const sorted = [...problems].sort((a, b) => a.row - b.row);
  const shown = sorted.slice(0, MOST_PROBLEMS_SHOWN);
  return (
    <>
      <div
        className="nhsuk-table-container"
        id={PROBLEMS_TABLE_ID}
        role="region"
        aria-labelledby="problems-caption"
        tabIndex={0}
      >
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-table__caption--m" id="problems-caption">
            Problems in the file
          </caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                Row
              </th>
              <th className="nhsuk-table__header" scope="col">
                Column
              </th>
              <th className="nhsuk-table__header" scope="col">
                Problem
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {shown.map((p, i) => (
              <tr className="nhsuk-table__row" key={`${p.row}:${p.field ?? ''}:${i}`}>
                <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{p.row}</td>
                <td className="nhsuk-table__cell">{where(p)}</td>
                <td className="nhsuk-table__cell">{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sorted.length > shown.length ? (
        <p className="nhsuk-body">
          Showing the first {formatCount(shown.length)} of {formatCount(sorted.length)} problems. Correct
          these and check the file again to see the rest.
        </p>
      ) : null}
    </>
  );
}

interface DuplicatesProps {
  duplicates: readonly ImportDuplicate[];
  /** Rows ticked as separate referrals. */
  allowed: ReadonlySet<number>;
  onToggle: (row: number, separate: boolean) => void;
  /** Shows "Check file again" (after a change, or while a duplicate blocks the import). */
  showCheckAgain: boolean;
  onCheckAgain: () => void;
}

function Duplicates({ duplicates, allowed, onToggle, showCheckAgain, onCheckAgain }: DuplicatesProps) {
  const rows = duplicateRows(duplicates);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onCheckAgain();
  };
  return (
    <section aria-labelledby="duplicates-heading">
      <h2 className="nhsuk-heading-m" id="duplicates-heading">
        Possible duplicates
      </h2>
      <p className="nhsuk-body">
        These rows may be referrals that are already held, or the same referral twice in the file. Check each
        one. If it is a separate referral, tick the box and check the file again. If it is a duplicate, remove
        the row from the file.
      </p>
      <form onSubmit={submit} noValidate>
        {rows.map((d) => {
          const id = duplicateCheckboxId(d.row);
          // As the error summary says, until the file is checked again.
          const error = d.blocking ? duplicateError(d.row) : undefined;
          return (
            <div
              className={error ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}
              key={d.row}
            >
              <fieldset
                className="nhsuk-fieldset"
                aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
              >
                <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Row {d.row}</legend>
                <div className="nhsuk-hint" id={`${id}-hint`}>
                  {d.messages.map((message, i) => (
                    <span key={message}>
                      {i > 0 ? <br /> : null}
                      {message}
                    </span>
                  ))}
                </div>
                {error ? (
                  <span className="nhsuk-error-message" id={`${id}-error`}>
                    <span className="nhsuk-u-visually-hidden">Error: </span>
                    {error}
                  </span>
                ) : null}
                <div className="nhsuk-checkboxes">
                  <div className="nhsuk-checkboxes__item">
                    <input
                      className="nhsuk-checkboxes__input"
                      id={id}
                      name="allowDuplicateRows"
                      type="checkbox"
                      value={d.row}
                      checked={allowed.has(d.row)}
                      onChange={(event) => onToggle(d.row, event.target.checked)}
                    />
                    <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
                      This is a separate referral
                    </label>
                  </div>
                </div>
              </fieldset>
            </div>
          );
        })}
        {showCheckAgain ? (
          <button className="nhsuk-button nhsuk-button--secondary" type="submit">
            Check file again
          </button>
        ) : null}
      </form>
    </section>
  );
}

interface ImportReportViewProps {
  report: ImportReport;
  allowed: ReadonlySet<number>;
  onToggleDuplicate: (row: number, separate: boolean) => void;
  /** The person has changed their answers since the file was checked. */
  stale: boolean;
  onCheckAgain: () => void;
}

/** What the check found: problems by row and column, and possible duplicates to confirm. */
export function ImportReportView({
  report,
  allowed,
  onToggleDuplicate,
  stale,
  onCheckAgain,
}: ImportReportViewProps) {
  return (
    <>
      {report.ignoredColumns.length > 0 ? (
        <p className="nhsuk-body">
          {report.ignoredColumns.length === 1 ? 'This column was' : 'These columns were'} not used:{' '}
          {report.ignoredColumns.join(', ')}.
        </p>
      ) : null}
      {report.problems.length > 0 ? <ProblemsTable problems={report.problems} /> : null}
      {report.duplicates.length > 0 ? (
        <Duplicates
          duplicates={report.duplicates}
          allowed={allowed}
          onToggle={onToggleDuplicate}
          showCheckAgain={stale || report.summary.blockingDuplicates > 0}
          onCheckAgain={onCheckAgain}
        />
      ) : null}
    </>
  );
}
