import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/auth/clients';
import { ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';

describe.each(ENGINES)('OAuth 2.0 client credentials on %s', (engine) => {
  let h: Harness;
  let client: { clientId: string; clientSecret: string };
  beforeAll(async () => {
    h = await createHarness(engine);
    client = await createClient(h.db.db, {
      orgId: h.fixture.orgId,
      name: 'e-RS integration',
      role: 'booking-clerk',
    });
  });
  afterAll(() => h.close());

  const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(form).toString(),
    });

  it('issues a bearer token carrying everything the role allows when no scope is asked for', async () => {
    const res = await token({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(body.scope.split(' ').sort()).toEqual(
      [
        'system/Organization.read',
        'system/Patient.read',
        'system/Patient.write',
        'system/Pathway.write',
        'system/Referral.read',
        'system/Referral.write',
        'system/Clinic.read',
        'system/Clinic.write',
        'system/Appointment.read',
        'system/Appointment.write',
        'system/WaitingList.read',
        'system/Task.read',
        'system/Task.write',
        'system/Communication.read',
        'system/Communication.write',
      ].sort(),
    );
    const use = await h.app.inject({
      method: 'GET',
      url: '/api/v1/specialties',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(use.statusCode).toBe(200);
  });

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    const res = await token({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    expect(res.statusCode).toBe(200);
  });

  it('issues only the scopes asked for, and the token is limited to them', async () => {
    const res = await token({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      scope: 'system/WaitingList.read',
    });
    expect(res.json().scope).toBe('system/WaitingList.read');
    const auth = { authorization: `Bearer ${res.json().access_token}` };
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/specialties', headers: auth })).statusCode,
    ).toBe(200);
    const patient = await h.app.inject({
      method: 'GET',
      url: `/api/v1/patients/${h.fixture.patients.alice}`,
      headers: auth,
    });
    expect(patient.statusCode).toBe(403);
  });

  it('refuses a wrong secret, an unknown client, a bad grant type and a scope beyond the role', async () => {
    const wrong = await token({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: 'wrong',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed',
    });
    const unknown = await token({
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'x',
    });
    expect(unknown.json().error).toBe('invalid_client');
    const grant = await token({
      grant_type: 'password',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    expect(grant.statusCode).toBe(400);
    expect(grant.json().error).toBe('unsupported_grant_type');
    const missing = await token({ client_id: client.clientId });
    expect(missing.json().error).toBe('invalid_request');
    const scope = await token({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      scope: 'system/AuditEvent.read',
    });
    expect(scope.statusCode).toBe(400);
    expect(scope.json().error).toBe('invalid_scope');
  });

  it('stops accepting a token once it has expired', async () => {
    const res = await token({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    const auth = { authorization: `Bearer ${res.json().access_token}` };
    h.clock.advance(3599_000);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/specialties', headers: auth })).statusCode,
    ).toBe(200);
    h.clock.advance(2_000);
    const expired = await h.app.inject({ method: 'GET', url: '/api/v1/specialties', headers: auth });
    expect(expired.statusCode).toBe(401);
    expect(expired.headers['www-authenticate']).toContain('invalid_token');
  });

  it('refuses a made-up bearer token', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/specialties',
      headers: { authorization: `Bearer ${h.fixture.orgId}.madeup` },
    });
    expect(res.statusCode).toBe(401);
  });
});
