import { findOrganisation } from '../auth/users';
import { extendAllSlotHorizons } from '../jobs/slot-horizon';
import { withDatabase } from './database';

/** `pathflow slots extend`: what the server does daily at 02:00, now (safe to repeat: it adds only what is missing). */
export async function extendSlots(opts: { org?: string }): Promise<void> {
  await withDatabase(async (handle) => {
    await handle.migrate();
    const odsCode =
      opts.org === undefined ? undefined : (await findOrganisation(handle.db, opts.org)).odsCode;
    const results = await extendAllSlotHorizons(handle.db, new Date(), { actorId: 'pathflow-cli', odsCode });
    if (results.length === 0) {
      process.stdout.write('No organisation exists yet: nothing to extend.\n');
      return;
    }
    for (const r of results) {
      const clinics = `${r.templates.toLocaleString('en-GB')} clinic${r.templates === 1 ? '' : 's'}`;
      const created = `${r.created.toLocaleString('en-GB')} slot${r.created === 1 ? '' : 's'}`;
      process.stdout.write(
        `${r.odsCode}: slots extended to ${r.horizonTo} for ${clinics}, ${created} created.\n`,
      );
    }
  });
}
