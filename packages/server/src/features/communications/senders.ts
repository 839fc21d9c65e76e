/**
 * The two ways a message leaves Pathflow: the embedded outbox (nothing leaves: SMS and email are kept in the
 * database as sent, letters wait for a print batch) and GOV.UK Notify, through `notifications-node-client`.
 *
 * A sender answers what became of one attempt. It never throws: every error is sorted into "try again later"
 * (network errors, timeouts, 5xx, 429) or "this will never work" (400, 403). Only the kind of error is kept,
 * never its text: Notify's messages can quote the phone number or address.
 *
 * Never twice: a retry of a message that Notify may already have (an earlier attempt timed out after sending,
 * or the process stopped before it recorded the answer) first asks Notify for notifications with our reference
 * (the message's id, never patient data) and adopts the one it finds instead of sending again.
 */
import { NotifyClient } from 'notifications-node-client';

export type MessageChannel = 'letter' | 'sms' | 'email';

export interface OutgoingMessage {
  /** Our message id: Notify's `reference`. */
  id: string;
  kind: string;
  channel: MessageChannel;
  /** Phone number (SMS) or email address (email); null for a letter. */
  to: string | null;
  subject: string | null;
  body: string;
  /** The template's fields and their values, for a Notify template (`((field))` → value). */
  personalisation: Record<string, string>;
  notifyTemplateId: string | null;
  /** The letter, rendered. */
  pdf: Buffer | null;
  /** Attempts made before this one (0 the first time). */
  previousAttempts: number;
}

export type SendOutcome =
  | {
      /** sent: done (SMS or email kept by the outbox); awaiting-print: a letter for the print batch; sending: handed to Notify. */
      status: 'sent' | 'awaiting-print' | 'sending' | 'delivered';
      providerRef: string | null;
      /** Found at the provider from an earlier attempt, not sent now. */
      adopted?: boolean;
    }
  | { status: 'temporary-failure' | 'permanent-failure' | 'technical-failure'; error: string };

export interface MessageSender {
  readonly provider: 'outbox' | 'notify';
  send(message: OutgoingMessage): Promise<SendOutcome>;
}

/** The embedded outbox: messages stay in the database (and letters on disk), viewable in the web app. */
export class OutboxSender implements MessageSender {
  readonly provider = 'outbox' as const;
  send(message: OutgoingMessage): Promise<SendOutcome> {
    return Promise.resolve(
      message.channel === 'letter'
        ? { status: 'awaiting-print', providerRef: null }
        : { status: 'sent', providerRef: null },
    );
  }
}

/** What delivery uses of `NotifyClient` (a test passes a fake with the same methods). */
export type NotifyApi = Pick<
  NotifyClient,
  'sendSms' | 'sendEmail' | 'sendPrecompiledLetter' | 'getNotifications' | 'getNotificationById'
>;

export interface NotifySenderOptions {
  /** Notify templates for SMS and email whose own template names none: each takes `((subject))` and `((body))`. */
  fallbackTemplates?: { sms?: string | undefined; email?: string | undefined };
  /** How long to wait for Notify before the outcome counts as unknown (default 30 s). */
  timeoutMs?: number;
}

class Timeout extends Error {
  override name = 'Timeout';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Sorts an error from notifications-node-client (axios) into temporary or permanent, by kind only. */
export function classifyNotifyError(err: unknown): {
  status: 'temporary-failure' | 'permanent-failure';
  error: string;
} {
  const status = (err as { response?: { status?: unknown } } | null)?.response?.status;
  if (typeof status === 'number') {
    if (status === 429 || status >= 500) return { status: 'temporary-failure', error: `notify-${status}` };
    return { status: 'permanent-failure', error: `notify-${status}` };
  }
  // No answer: a network error or our timeout. Notify may have the message: the retry asks before sending.
  return { status: 'temporary-failure', error: 'unknown-outcome' };
}

/** Notify's status of a notification, as ours. */
export function statusFromNotify(
  channel: MessageChannel,
  notifyStatus: string,
): 'sending' | 'sent' | 'delivered' | 'permanent-failure' | 'technical-failure' {
  switch (notifyStatus) {
    case 'delivered':
      return 'delivered';
    case 'accepted':
    case 'received':
      return channel === 'letter' ? 'sent' : 'sending';
    case 'permanent-failure':
    case 'validation-failed':
    case 'cancelled':
      return 'permanent-failure';
    // Notify's temporary failure is final: the network could not deliver it (a phone off for days).
    case 'temporary-failure':
      return 'permanent-failure';
    case 'technical-failure':
    case 'virus-scan-failed':
      return 'technical-failure';
    default:
      // created, sending, pending, pending-virus-check
      return 'sending';
  }
}

export class NotifySender implements MessageSender {
  readonly provider = 'notify' as const;
  private readonly timeoutMs: number;

  constructor(
    private readonly client: NotifyApi,
    private readonly options: NotifySenderOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    if (m.previousAttempts > 0) {
      try {
        const found = await withTimeout(
          this.client.getNotifications(m.channel, undefined, m.id),
          this.timeoutMs,
        );
        const earlier = found.data.notifications.find((n) => n.reference === m.id);
        if (earlier) {
          const status = statusFromNotify(m.channel, earlier.status);
          if (status === 'permanent-failure' || status === 'technical-failure')
            return { status, error: `notify-${earlier.status}` };
          return { status, providerRef: earlier.id, adopted: true };
        }
      } catch (err) {
        // Not knowing whether it went, do not send it again now: try later.
        return { status: 'temporary-failure', error: `lookup-${classifyNotifyError(err).error}` };
      }
    }
    try {
      const reference = m.id;
      if (m.channel === 'letter') {
        if (!m.pdf) return { status: 'technical-failure', error: 'no-pdf' };
        const res = await withTimeout(this.client.sendPrecompiledLetter(reference, m.pdf), this.timeoutMs);
        return { status: 'sending', providerRef: res.data.id };
      }
      const fallback =
        m.channel === 'sms' ? this.options.fallbackTemplates?.sms : this.options.fallbackTemplates?.email;
      const templateId = m.notifyTemplateId ?? fallback ?? null;
      if (templateId === null) return { status: 'technical-failure', error: 'no-notify-template' };
      const personalisation =
        m.notifyTemplateId !== null ? m.personalisation : { subject: m.subject ?? '', body: m.body };
      if (!m.to) return { status: 'technical-failure', error: 'no-recipient' };
      const res =
        m.channel === 'sms'
          ? await withTimeout(
              this.client.sendSms(templateId, m.to, { personalisation, reference }),
              this.timeoutMs,
            )
          : await withTimeout(
              this.client.sendEmail(templateId, m.to, { personalisation, reference }),
              this.timeoutMs,
            );
      return { status: 'sending', providerRef: res.data.id };
    } catch (err) {
      return classifyNotifyError(err);
    }
  }
}

/** A Notify client for the configured key (and base URL, for a stand-in server). */
export function notifyClientFor(apiKey: string, baseUrl?: string): NotifyClient {
  return baseUrl ? new NotifyClient(baseUrl, apiKey) : new NotifyClient(apiKey);
}
