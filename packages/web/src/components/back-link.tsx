import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** NHS.UK back link at the top of a page, with the space under it. */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <div className="nhsuk-u-margin-bottom-5">
      <Link className="nhsuk-back-link" to={to}>
        {children}
      </Link>
    </div>
  );
}
