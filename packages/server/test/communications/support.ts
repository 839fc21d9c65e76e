/** Shared set-up for the communications tests: a clinic to book into, patients with contact details, delivery. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { communications, patients } from '../../src/db/schema';
import { deliverDueCommunications } from '../../src/features/communications/delivery';
import { OutboxSender, type MessageSender, type NotifyApi } from '../../src/features/communications/senders';
import type { Harness, Session } from '../support/app';
import type { TestClinic } from '../support/clinic';

export const lettersDir = () => mkdtempSync(join(tmpdir(), 'pathflow-letters-test-'));

export interface Contact {
  phone?: string | null;
  email?: string | null;
  needs?: string[];
  interpreterLanguage?: string | null;
}

/** A patient with a pathway, and the contact details and needs given. */
export async function patientWith(h: Harness, clinic: TestClinic, c: Contact) {
  const made = await clinic.addPathway();
  await h.db.db
    .update(patients)
    .set({
      phone: c.phone === undefined ? '07700 900123' : c.phone,
      email: c.email === undefined ? 'test.patient@example.com' : c.email,
      communicationNeeds: c.needs ?? [],
      interpreterLanguage: c.interpreterLanguage ?? null,
    })
    .where(eq(patients.id, made.patientId));
  return made;
}

/** Books a slot at `startsAt` for the pathway through the API; answers the appointment id. */
export async function book(
  h: Harness,
  clerk: Session,
  clinic: TestClinic,
  pathwayId: string,
  startsAt: string,
) {
  const slotId = await clinic.addSlot(startsAt);
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/appointments',
    headers: clerk.write,
    payload: { slotId, pathwayId, outOfTurnReason: 'Test booking' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

export function deliver(h: Harness, dir: string, sender: MessageSender = new OutboxSender()) {
  return deliverDueCommunications(h.db.db, { now: h.clock.now, sender, lettersDir: dir });
}

export const messagesFor = (h: Harness, patientId: string) =>
  h.db.db
    .select()
    .from(communications)
    .where(and(eq(communications.orgId, h.fixture.orgId), eq(communications.patientId, patientId)))
    .orderBy(asc(communications.createdAt), asc(communications.kind), asc(communications.channel));

/** Closes every open pathway, so that the next booking is nobody else's turn. */
export const closeAll = (h: Harness) =>
  h.db.db.execute(
    sql`update pathways set status = 'closed', rtt_running = false where org_id = ${h.fixture.orgId}`,
  );

/** A fake GOV.UK Notify: records what is sent; `fail` says what each call does (in turn). */
export class FakeNotify {
  sent: {
    type: string;
    id: string;
    reference: string;
    to?: string;
    templateId?: string;
    personalisation?: unknown;
    pdf?: Buffer;
  }[] = [];
  lookups: string[] = [];
  /** For each send, in turn: 'ok', an HTTP status to fail with, 'lost' (sent, then the answer is lost) or 'network'. */
  plan: ('ok' | 'lost' | 'network' | number)[] = [];
  statuses = new Map<string, string>();
  private seq = 0;

  private async attempt(type: string, reference: string, extra: Record<string, unknown>) {
    const step = this.plan.shift() ?? 'ok';
    if (typeof step === 'number')
      throw Object.assign(new Error('Request failed'), { response: { status: step } });
    if (step === 'network') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const id = `00000000-0000-4000-8000-${String((this.seq += 1)).padStart(12, '0')}`;
    this.sent.push({ type, id, reference, ...extra });
    this.statuses.set(id, 'created');
    if (step === 'lost') throw Object.assign(new Error('timeout'), { code: 'ECONNABORTED' });
    return { data: { id, reference } };
  }

  api(): NotifyApi {
    return {
      sendSms: (templateId: string, to: string, o?: { personalisation?: unknown; reference?: string }) =>
        this.attempt('sms', o!.reference!, { to, templateId, personalisation: o?.personalisation }),
      sendEmail: (templateId: string, to: string, o?: { personalisation?: unknown; reference?: string }) =>
        this.attempt('email', o!.reference!, { to, templateId, personalisation: o?.personalisation }),
      sendPrecompiledLetter: (reference: string, pdf: Buffer | string) =>
        this.attempt('letter', reference, { pdf: pdf }),
      getNotifications: async (type?: string, _status?: string, reference?: string) => {
        this.lookups.push(reference ?? '');
        return {
          data: {
            notifications: this.sent
              .filter((s) => s.reference === reference && (!type || s.type === type))
              .map((s) => ({
                id: s.id,
                reference: s.reference,
                type: s.type,
                status: this.statuses.get(s.id),
              })),
          },
        };
      },
      getNotificationById: async (id: string) => ({
        data: { id, status: this.statuses.get(id) ?? 'created' },
      }),
    } as unknown as NotifyApi;
  }
}
