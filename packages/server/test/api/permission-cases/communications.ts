/** Permission cases for messages and templates: reads need Communication.read, a retry Communication.write, a template version CommunicationTemplate.write. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { roleAllows, ROLES } from '@pathflow/core';
import { communications } from '../../../src/db/schema';
import { systemContext } from '../../../src/auth/principal';
import { queueCommunications } from '../../../src/features/communications/outbox';
import { currentTemplates } from '../../../src/features/communications/templates';
import type { Harness } from '../../support/app';
import { fromPool, POOL_SIZE, type PermissionCaseSet } from './types';

const withPermission = (p: Parameters<typeof roleAllows>[1]) => ROLES.filter((r) => roleAllows(r, p));

const pools = { letter: '', template: '', failed: [] as string[] };

/**
 * Failed messages, one per retry. `n` counts every request of the matrix (all roles, both ways of signing in), so
 * the pool is several times POOL_SIZE: the rows are cheap.
 */
const FAILED_POOL = 4 * POOL_SIZE;

const letterFile = () => join('permission-cases', `${pools.letter}.pdf`);

/**
 * The letter's PDF, kept under the letters folder as delivery leaves it. Written when a request needs it: another
 * case set may point the harness at a letters folder of its own after this one's `fill` ran.
 */
function ensureLetter(h: Harness): void {
  const path = join(h.config.lettersDir, letterFile());
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '%PDF-1.3\n%%EOF\n');
}

const set: PermissionCaseSet = {
  fill: async (h) => {
    const ctx = systemContext(h.fixture.orgId, h.clock.now(), 'permission-cases');
    const patientId = h.fixture.patients.alice;
    const ids = await h.db.db.transaction((tx) =>
      queueCommunications(
        tx,
        ctx,
        Array.from({ length: FAILED_POOL + 1 }, (_, i) => ({
          patientId,
          kind: 'validation-removal' as const,
          dedupeKey: `permission-cases:${i}`,
        })),
      ),
    );
    pools.letter = ids[0]!;
    pools.template = (await currentTemplates(h.db.db, h.fixture.orgId, h.clock.now()))[0]!.id;
    pools.failed = ids.slice(1);
    await h.db.db
      .update(communications)
      .set({ status: 'awaiting-print', letterFile: letterFile() })
      .where(eq(communications.id, pools.letter));
    await h.db.db
      .update(communications)
      .set({ status: 'permanent-failure', lastError: 'notify-400' })
      .where(inArray(communications.id, pools.failed));
  },
  cases: [
    {
      method: 'GET',
      route: '/api/v1/communications',
      url: () => '/api/v1/communications?limit=5',
      allowed: withPermission('Communication.read'),
    },
    {
      method: 'GET',
      route: '/api/v1/communications/:id',
      url: () => `/api/v1/communications/${pools.letter}`,
      allowed: withPermission('Communication.read'),
    },
    {
      method: 'GET',
      route: '/api/v1/communications/:id/letter.pdf',
      url: (h) => {
        ensureLetter(h);
        return `/api/v1/communications/${pools.letter}/letter.pdf`;
      },
      allowed: withPermission('Communication.read'),
    },
    {
      method: 'POST',
      route: '/api/v1/communications/:id/retry',
      url: (_h, n) => `/api/v1/communications/${fromPool(pools.failed, n)}/retry`,
      allowed: withPermission('Communication.write'),
    },
    {
      method: 'GET',
      route: '/api/v1/communication-templates',
      url: () => '/api/v1/communication-templates',
      allowed: withPermission('Communication.read'),
    },
    {
      method: 'GET',
      route: '/api/v1/communication-templates/:id',
      url: () => `/api/v1/communication-templates/${pools.template}`,
      allowed: withPermission('Communication.read'),
    },
    {
      method: 'POST',
      route: '/api/v1/communication-templates',
      url: () => '/api/v1/communication-templates',
      payload: () => ({
        kind: 'dna-discharge',
        channel: 'letter',
        format: 'standard',
        subject: 'You missed your appointment',
        body: 'Dear ((patient name))\n\nPlease call us on ((trust phone)).',
      }),
      allowed: withPermission('CommunicationTemplate.write'),
    },
  ],
};

export default set;
