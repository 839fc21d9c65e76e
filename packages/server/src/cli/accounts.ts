import { createClient } from '../auth/clients';
import { createUser, findOrganisation } from '../auth/users';
import { withDatabase } from './database';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function addUser(opts: {
  username: string;
  name: string;
  role: string;
  email?: string;
  passwordStdin?: boolean;
  org?: string;
}): Promise<void> {
  const password = opts.passwordStdin ? await readStdin() : process.env.PATHFLOW_USER_PASSWORD;
  if (password === undefined && opts.email === undefined) {
    throw new Error(
      'Give a password with --password-stdin or PATHFLOW_USER_PASSWORD, or an --email for single sign-on',
    );
  }
  await withDatabase(async (handle) => {
    await handle.migrate();
    const org = await findOrganisation(handle.db, opts.org);
    const created = await createUser(handle.db, {
      orgId: org.orgId,
      username: opts.username,
      displayName: opts.name,
      role: opts.role,
      password,
      email: opts.email,
    });
    process.stdout.write(`Added ${opts.username.toLowerCase()} (${created.role}) to ${org.name}.\n`);
  });
}

export async function addClient(opts: {
  name: string;
  role: string;
  org?: string;
  json?: boolean;
}): Promise<void> {
  await withDatabase(async (handle) => {
    await handle.migrate();
    const org = await findOrganisation(handle.db, opts.org);
    const { clientId, clientSecret } = await createClient(handle.db, {
      orgId: org.orgId,
      name: opts.name,
      role: opts.role,
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ client_id: clientId, client_secret: clientSecret })}\n`);
      return;
    }
    process.stdout.write(
      [
        `Added client "${opts.name}" (${opts.role}) to ${org.name}.`,
        `client_id:     ${clientId}`,
        `client_secret: ${clientSecret}`,
        'Keep the secret safe: it is shown only once and cannot be recovered.',
        '',
      ].join('\n'),
    );
  });
}
