import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/client';
import { createTestDatabase, ENGINES, type TestDatabase } from './support/db';

describe.each(ENGINES)('migrations on %s', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine, { migrate: false });
  });
  afterAll(() => db.dispose());

  it('apply to an empty database and again as a no-op', async () => {
    await db.migrate();
    await db.migrate();
    const rows = await queryRows<{ table_name: string }>(
      db.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'audit_log',
        'organisations',
        'patients',
        'pathways',
        'sessions',
        'staff_users',
      ]),
    );
  });

  it('give every table an org_id that leads each primary key and unique constraint (shardable by organisation)', async () => {
    const rows = await queryRows<{
      table_name: string;
      constraint_name: string;
      constraint_type: string;
      first_column: string;
    }>(
      db.db,
      sql`
      select tc.table_name, tc.constraint_name, tc.constraint_type,
             (select kcu.column_name from information_schema.key_column_usage kcu
               where kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
               order by kcu.ordinal_position limit 1) as first_column
        from information_schema.table_constraints tc
       where tc.table_schema = 'public' and tc.constraint_type in ('PRIMARY KEY', 'UNIQUE')`,
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows)
      expect(`${r.table_name}.${r.constraint_name}: ${r.first_column}`).toMatch(/: org_id$/);
    const tables = await queryRows<{ table_name: string; has_org: boolean }>(
      db.db,
      sql`
      select t.table_name,
             exists(select 1 from information_schema.columns c
                     where c.table_schema = 'public' and c.table_name = t.table_name and c.column_name = 'org_id') as has_org
        from information_schema.tables t where t.table_schema = 'public'`,
    );
    for (const t of tables) expect(`${t.table_name}: ${t.has_org}`).toBe(`${t.table_name}: true`);
  });

  it('make the audit log append-only in the database itself', async () => {
    const orgId = '00000000-0000-4000-8000-000000000001';
    await db.db
      .execute(sql`insert into audit_log (org_id, actor_type, actor_id, actor_role, action, resource_type, outcome)
                             values (${orgId}, 'system', 'test', 'admin', 'test', 'Test', 'success')`);
    await expect(db.db.execute(sql`update audit_log set action = 'changed'`)).rejects.toThrow();
    await expect(db.db.execute(sql`delete from audit_log`)).rejects.toThrow();
    await expect(db.db.execute(sql`truncate audit_log`)).rejects.toThrow();
    const rows = await queryRows<{ action: string }>(db.db, sql`select action from audit_log`);
    expect(rows).toEqual([{ action: 'test' }]);
  });
});
