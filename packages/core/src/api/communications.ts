/** The messages API's shapes (`/api/v1/communications`), shared by the server and the web app. */

export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'awaiting-print',
  'delivered',
  'temporary-failure',
  'permanent-failure',
  'technical-failure',
  'cancelled',
  'suppressed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** One message as listed. */
export interface MessageSummary {
  id: string;
  patient: { id: string; nhsNumber: string; name: string };
  pathwayId: string | null;
  appointmentId: string | null;
  kind: string;
  channel: string;
  /** standard, large-print, easy-read or braille. */
  format: string;
  /** patient or gp. */
  recipient: string;
  status: string;
  sendAfter: string | null;
  sentAt: string | null;
  statusAt: string | null;
  createdAt: string;
  attempts: number;
  provider: string | null;
  templateVersion: number | null;
  lastError: string | null;
  /** A PDF of the letter is kept (`GET /api/v1/communications/:id/letter.pdf`). */
  hasLetter: boolean;
}

/** One message with what it said, as rendered when it was sent. */
export interface MessageDetail extends MessageSummary {
  templateId: string | null;
  renderedSubject: string | null;
  renderedBody: string | null;
  providerRef: string | null;
  printBatchId: string | null;
  detail: unknown;
}
