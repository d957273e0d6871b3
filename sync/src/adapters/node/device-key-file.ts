import { chmod, open, readFile, rename, stat } from 'node:fs/promises';
import {
  exportPrivateKey,
  exportPublicKey,
  generateDeviceKeys,
  importPrivateKey,
  type CryptoKey,
} from '../../records/device-keys';
import { z } from 'zod';
import type { Logger } from '../../ports/logger';

/** The device's identity: the private half signs proposals and sync tokens, the public half is in the directory. */
export type DeviceKey = { deviceId: string; publicKey: string; privateKey: CryptoKey };

const FORMAT = 'jiazheng-device-key/1';

const keyFileSchema = z.object({
  format: z.literal(FORMAT),
  deviceId: z.string().min(1).max(64),
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  privateJwk: z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), d: z.string() }),
});

/**
 * Loads the device key kept in `path`, or makes one (and the device id) at first start. The file holds
 * the private key, so it is written 0600 and atomically (a crash leaves the old file or the new one,
 * never half of one); a file found readable by others is narrowed back to 0600 with a warning.
 */
export async function loadOrCreateDeviceKey(options: {
  path: string;
  newDeviceId: () => string;
  logger: Logger;
}): Promise<DeviceKey & { created: boolean }> {
  const { path, logger } = options;
  let text: string | null = null;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  if (text !== null) {
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      logger.error(
        `设备密钥文件权限过宽 / the device key file ${path} was mode ${mode.toString(8)}: set to 600`,
      );
      await chmod(path, 0o600);
    }
    let parsed: z.infer<typeof keyFileSchema>;
    try {
      parsed = keyFileSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new Error(`the device key file ${path} is not a ${FORMAT} file: ${describe(error)}`, {
        cause: error,
      });
    }
    return {
      deviceId: parsed.deviceId,
      publicKey: parsed.publicKey,
      privateKey: await importPrivateKey({ jwk: parsed.privateJwk }),
      created: false,
    };
  }
  const keys = await generateDeviceKeys({ extractable: true });
  const deviceId = options.newDeviceId();
  const publicKey = await exportPublicKey({ key: keys.publicKey });
  const privateJwk = await exportPrivateKey({ key: keys.privateKey });
  await writeFileAtomically({
    path,
    text: `${JSON.stringify({ format: FORMAT, deviceId, publicKey, privateJwk }, null, 2)}\n`,
  });
  // From here on only the non-extractable form is held in memory.
  return { deviceId, publicKey, privateKey: await importPrivateKey({ jwk: privateJwk }), created: true };
}

/** Writes a 0600 file through a temporary name, flushed before the rename. */
export async function writeFileAtomically(options: { path: string; text: string }): Promise<void> {
  const temporary = `${options.path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(options.text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, options.path);
}

export function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}
