/** NHS.UK footer. Pathflow is not an NHS England service, so it carries no NHS England copyright line. */
export function Footer() {
  return (
    <footer className="nhsuk-footer">
      <div className="nhsuk-width-container">
        <div className="nhsuk-footer__meta">
          <p className="nhsuk-body-s">
            Pathflow is open-source software for patient access and patient flow in the NHS.
          </p>
        </div>
      </div>
    </footer>
  );
}
