import type { ReactNode } from 'react';

export interface TableColumn {
  label: ReactNode;
  /** Right-aligned, for counts (NHS.UK `nhsuk-table__header--numeric`). */
  numeric?: boolean;
}

/**
 * An NHS.UK table with a caption and column headers, in a container that scrolls and is labelled by the
 * caption. The rows are the children.
 */
export function CaptionedTable({
  captionId,
  caption,
  columns,
  children,
}: {
  captionId: string;
  caption: ReactNode;
  columns: TableColumn[];
  children: ReactNode;
}) {
  return (
    <div className="nhsuk-table-container" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-table__caption--s" id={captionId}>
          {caption}
        </caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            {columns.map((c, k) => (
              <th
                className={
                  c.numeric ? 'nhsuk-table__header nhsuk-table__header--numeric' : 'nhsuk-table__header'
                }
                scope="col"
                key={k}
              >
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">{children}</tbody>
      </table>
    </div>
  );
}

/** A visually hidden column header, for a column of links or buttons. */
export const ACTION_COLUMN: TableColumn = { label: <span className="nhsuk-u-visually-hidden">Action</span> };
