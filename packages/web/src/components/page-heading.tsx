import type { ReactNode } from 'react';

/**
 * The page's one h1. It can take focus (tabIndex -1) so that, after each client-side navigation, the layout
 * moves focus here and a screen reader announces the new page.
 */
export function PageHeading({ children, caption }: { children: ReactNode; caption?: string }) {
  return (
    <h1 className="nhsuk-heading-l" tabIndex={-1} data-page-heading="">
      {caption ? (
        <span className="nhsuk-caption-l">
          {caption}
          <span className="nhsuk-u-visually-hidden"> – </span>
        </span>
      ) : null}
      {children}
    </h1>
  );
}
