/**
 * The delivery runner: sends due messages (to patients, then to staff) in the background (straight on while batches come back full,
 * otherwise every `intervalMs`), and, with Notify, asks after the messages Notify has. `stop` waits for the
 * round in progress. A failed round (the database away, Notify down) is reported and tried again.
 */
import type { Config } from '../../config';
import type { Database } from '../../db/client';
import { deliverDueStaffMessages } from '../staff-messages/service';
import { deliverDueCommunications, refreshNotifyStatuses } from './delivery';
import { NotifySender, OutboxSender, notifyClientFor, type MessageSender, type NotifyApi } from './senders';

export interface DeliveryRunner {
  stop(): Promise<void>;
  /** 'notify' when NOTIFY_API_KEY is set, else 'outbox'. */
  readonly provider: 'outbox' | 'notify';
}

/** The sender the configuration asks for, and the Notify client behind it (if any). */
export function senderFor(
  config: Config,
  client?: NotifyApi,
): { sender: MessageSender; client: NotifyApi | null } {
  if (!config.notifyApiKey) return { sender: new OutboxSender(), client: null };
  const notify = client ?? notifyClientFor(config.notifyApiKey, config.notifyBaseUrl);
  return {
    sender: new NotifySender(notify, {
      fallbackTemplates: { sms: config.notifySmsTemplateId, email: config.notifyEmailTemplateId },
    }),
    client: notify,
  };
}

export function startDeliveryRunner(
  db: Database,
  options: {
    config: Config;
    now?: () => Date;
    intervalMs?: number;
    batchSize?: number;
    onError?: (err: unknown) => void;
    /** A Notify client to use instead of the configured one (tests). */
    notifyClient?: NotifyApi;
  },
): DeliveryRunner {
  const interval = options.intervalMs ?? 5_000;
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 100;
  const { sender, client } = senderFor(options.config, options.notifyClient);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const round = async (): Promise<boolean> => {
    const r = await deliverDueCommunications(db, {
      now,
      sender,
      lettersDir: options.config.lettersDir,
      batchSize,
      maxBatches: 1,
    });
    if (client) await refreshNotifyStatuses(db, { now, client });
    const staff = await deliverDueStaffMessages(db, { now: now(), sender, batchSize });
    const staffCount = staff.sent + staff.notSent + staff.retried + staff.failed;
    return r.sent + r.failed + r.retried + r.suppressed >= batchSize || staffCount >= batchSize;
  };
  const tick = () => {
    timer = null;
    if (stopped) return;
    running = round()
      .catch((err: unknown) => {
        options.onError?.(err);
        return false;
      })
      .then((more) => {
        running = null;
        if (!stopped) {
          timer = setTimeout(tick, more ? 0 : interval);
          timer.unref();
        }
      });
  };
  timer = setTimeout(tick, 0);
  timer.unref();
  return {
    provider: sender.provider,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
