import { useEffect } from 'react';

export const SERVICE_NAME = 'Pathflow';

/** Sets the browser tab's title, e.g. "Sign in – Pathflow", with "Error: " in front while a form has errors. */
export function usePageTitle(title: string, options: { error?: boolean } = {}): void {
  const full = `${options.error ? 'Error: ' : ''}${title} – ${SERVICE_NAME}`;
  useEffect(() => {
    document.title = full;
  }, [full]);
}
