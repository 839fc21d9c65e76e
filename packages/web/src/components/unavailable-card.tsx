/** The warning card shown when something a page loads could not be loaded: what, why (the server's words) and what to do. */
export function UnavailableCard({
  heading,
  what,
  detail,
  level = 2,
}: {
  /** "The print batches are not available". */
  heading: string;
  /** "The print batches": the subject of "could not be loaded". */
  what: string;
  detail?: string | undefined;
  level?: 2 | 3;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  const because = detail ? ` ${detail.replace(/[^.!?]$/, '$&.')}` : '';
  return (
    <div className="nhsuk-card nhsuk-card--warning">
      <div className="nhsuk-card__content">
        <Heading className="nhsuk-card__heading">{heading}</Heading>
        <p className="nhsuk-card__description">
          {what} could not be loaded.{because} Try again later.
        </p>
      </div>
    </div>
  );
}
