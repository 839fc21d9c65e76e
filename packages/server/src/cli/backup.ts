import { backupDatabase, restoreDatabase } from '../backup';
import { withDatabase } from './database';

export async function backup(file: string): Promise<void> {
  await withDatabase(async (handle) => {
    const result = await backupDatabase(handle, file);
    const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `Backed up ${rows.toLocaleString('en-GB')} rows from ${handle.engine} to ${file} (${result.bytes.toLocaleString('en-GB')} bytes).\n`,
    );
  });
}

export async function restore(file: string): Promise<void> {
  await withDatabase(async (handle) => {
    await handle.migrate();
    const result = await restoreDatabase(handle, file);
    const rows = Object.values(result.tables).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `Restored ${rows.toLocaleString('en-GB')} rows from ${file} into ${handle.engine}.\n`,
    );
  });
}
