/**
 * Changing a patient's record: contact details, communication needs (AIS), vulnerability and the short-notice
 * flag. Each change is audited with the fields' names only; bad input is refused with nothing changed.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, patients } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

describe.each(ENGINES)('changing a patient on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
  });
  afterAll(() => h.close());

  const patch = (id: string, payload: object) =>
    h.app.inject({ method: 'PATCH', url: `/api/v1/patients/${id}`, headers: clerk.write, payload });
  const row = async (id: string) => (await h.db.db.select().from(patients).where(eq(patients.id, id)))[0]!;

  it('records needs, vulnerability and short notice, and audits the fields changed', async () => {
    const id = h.fixture.patients.alice;
    const res = await patch(id, {
      communicationNeeds: ['large-print', 'large-print', 'bsl'],
      vulnerabilities: ['learning-disability'],
      shortNotice: true,
      interpreterLanguage: '  Polish ',
      phone: '07700 900123',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      communicationNeeds: ['large-print', 'bsl'],
      vulnerabilities: ['learning-disability'],
      shortNotice: true,
      interpreterLanguage: 'Polish',
      phone: '07700 900123',
    });
    const r = await row(id);
    expect(r.shortNotice).toBe(true);
    expect(r.vulnerabilities).toEqual(['learning-disability']);
    const audits = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'Patient.update'), eq(auditLog.patientId, id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.detail).toEqual({
      fields: ['communicationNeeds', 'vulnerabilities', 'shortNotice', 'interpreterLanguage', 'phone'],
    });
    expect(JSON.stringify(audits[0]!.detail)).not.toContain('Polish');
  });

  it.each([
    [{}, '/body'],
    [{ vulnerabilities: ['grumpy'] }, '/body/vulnerabilities/0'],
    [{ communicationNeeds: ['telepathy'] }, '/body/communicationNeeds/0'],
    [{ shortNotice: 'yes' }, '/body/shortNotice'],
    [{ phone: 'call me' }, '/body/phone'],
    [{ nhsNumber: '9990000018' }, '/body'],
  ])('refuses %j naming %s, and changes nothing', async (payload, field) => {
    const id = h.fixture.patients.bob;
    const before = await row(id);
    const res = await patch(id, payload);
    expect(res.statusCode, res.body).toBe(400);
    const fields = (res.json().errors ?? []).map((e: { field: string }) => e.field);
    expect(
      fields.some((f: string) => f.startsWith(field)),
      JSON.stringify(fields),
    ).toBe(true);
    expect(await row(id)).toEqual(before);
  });

  it('answers 404 for a patient who is not there', async () => {
    const res = await patch('00000000-0000-4000-8000-000000000000', { shortNotice: true });
    expect(res.statusCode).toBe(404);
  });
});
