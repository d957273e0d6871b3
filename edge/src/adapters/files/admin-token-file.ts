import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { adminTokenSchema } from '../../domain/hub-config';
import { isMissing, writeFileAtomically } from '@jiazheng/sync/node';

/**
 * The admin token kept in the data directory when JZ_HUB_ADMIN_TOKEN is unset: made once (24 random
 * bytes, 32 base64url characters), written 0600, read back at every later start.
 */
export async function loadOrCreateAdminToken(options: {
  path: string;
}): Promise<{ token: string; created: boolean }> {
  try {
    const text = await readFile(options.path, 'utf8');
    const parsed = adminTokenSchema.safeParse(text);
    if (!parsed.success) throw new Error(`the admin token file ${options.path} does not hold a valid token`);
    return { token: parsed.data, created: false };
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const token = randomBytes(24).toString('base64url');
  await writeFileAtomically({ path: options.path, text: `${token}\n` });
  return { token, created: true };
}
