import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isMissing, writeFileAtomically } from '@jiazheng/sync/node';
import { identityKeySchema } from '../../domain/hub-config';

/**
 * The key the workers' identity numbers are sealed with (identity-cipher.ts), kept in the data directory
 * when JZ_HUB_IDENTITY_KEY is unset: made once (32 random bytes, base64), written 0600, read back at every
 * later start. Losing it loses the numbers (the records keep the masked ones): back it up with the data.
 */
export async function loadOrCreateIdentityKey(options: {
  path: string;
}): Promise<{ key: Buffer; created: boolean }> {
  try {
    const text = await readFile(options.path, 'utf8');
    const parsed = identityKeySchema.safeParse(text);
    if (!parsed.success)
      throw new Error(`the identity key file ${options.path} does not hold a 32-byte base64 key`);
    return { key: Buffer.from(parsed.data, 'base64'), created: false };
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const key = randomBytes(32);
  await writeFileAtomically({ path: options.path, text: `${key.toString('base64')}\n` });
  return { key, created: true };
}
