/** A short holding message while the first answer from the server arrives. */
export function Loading({ text = 'Loading…' }: { text?: string }) {
  return (
    <p className="nhsuk-body" role="status">
      {text}
    </p>
  );
}
