/** What the clinic forms share when they check what was typed and when the server says no. */
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { addError, type FormErrors } from './template-draft';

export const MAX_REASON = 2000;

/** Checks a reason the form asks for: given, and not too long. */
export function checkReason(found: FormErrors, reason: string, missing: string): void {
  if (!reason.trim()) addError(found, 'reason', missing);
  else if (reason.trim().length > MAX_REASON)
    addError(found, 'reason', 'The reason must be 2,000 characters or fewer');
}

/** The server's problem, or the service's own when the request failed before the server answered. */
export function problemOf(err: unknown): {
  errors: { field: string; message: string }[];
  detail: string;
  title: string;
} {
  return err instanceof ApiError
    ? err
    : { errors: [], detail: '', title: 'There is a problem with the service. Try again later.' };
}

/**
 * A form's errors, and the count of failed attempts (the error summary's key, so it takes the focus again on
 * each failed attempt).
 */
export function useFormErrors() {
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [attempt, setAttempt] = useState(0);
  const fail = (next: FormErrors) => {
    setAttempt((n) => n + 1);
    setErrors(next);
  };
  return { errors, attempt, fail, clear: () => setErrors(null) };
}
