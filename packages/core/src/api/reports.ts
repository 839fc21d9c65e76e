/** The weekly packs kept each week (`/api/v1/reports/weekly-packs`) and a member of staff's own messages (`/api/v1/me/messages`). */

export interface StoredWeeklyPack {
  id: string;
  /** The Monday of the week it is for (YYYY-MM-DD). */
  weekStart: string;
  asOf: string;
  /** `weekly-pack` when the schedule produced it. */
  createdBy: string;
  createdAt: string;
  runs: number;
}

export interface StaffMessage {
  id: string;
  kind: string;
  subject: string;
  /** Plain text, lines separated by newlines. */
  body: string;
  /** Where in the web app it points. */
  link: string | null;
  /** Its email: queued, sent, delivered, not-sent (no email address), temporary-failure, permanent-failure, technical-failure. */
  status: string;
  createdAt: string;
  readAt: string | null;
}

export interface StaffMessages {
  unread: number;
  messages: StaffMessage[];
}
