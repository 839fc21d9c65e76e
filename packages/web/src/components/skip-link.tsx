import type { MouseEvent } from 'react';

/**
 * NHS.UK skip link. Moves focus to the main content itself rather than letting the browser follow `#maincontent`,
 * which the client-side router would otherwise treat as a navigation.
 */
export function SkipLink({ targetId }: { targetId: string }) {
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    const target = document.getElementById(targetId);
    if (!target) return;
    event.preventDefault();
    target.focus();
    target.scrollIntoView();
  };
  return (
    <a className="nhsuk-skip-link" href={`#${targetId}`} onClick={skip}>
      Skip to main content
    </a>
  );
}
