import { useEffect, useRef, type MouseEvent } from 'react';

export interface ErrorSummaryItem {
  text: string;
  /** The id of the field the error is about; the summary links to it. Omit for errors about no one field. */
  fieldId?: string;
}

/** Focuses the field and brings its label into view, as NHS.UK frontend's error summary does. */
function focusField(event: MouseEvent<HTMLAnchorElement>, fieldId: string): void {
  const field = document.getElementById(fieldId);
  if (!field) return;
  event.preventDefault();
  const label = document.querySelector(`label[for="${fieldId}"]`) ?? field;
  label.scrollIntoView();
  field.focus({ preventScroll: true });
}

/**
 * NHS.UK error summary: "There is a problem" and a list of the errors, each linking to its field. It takes
 * focus when it appears, so screen readers announce it and keyboard users start there; give it a new `key` to
 * show it afresh (and focus it again) after each failed submission.
 */
export function ErrorSummary({ items }: { items: ErrorSummaryItem[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div className="nhsuk-error-summary" ref={ref} tabIndex={-1}>
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading">There is a problem</h2>
        <div className="nhsuk-error-summary__body">
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {items.map((item) => (
              <li key={`${item.fieldId ?? ''}:${item.text}`}>
                {item.fieldId ? (
                  <a href={`#${item.fieldId}`} onClick={(event) => focusField(event, item.fieldId ?? '')}>
                    {item.text}
                  </a>
                ) : (
                  item.text
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
