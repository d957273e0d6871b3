import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/*
 * AES-256-GCM for the identity vault (node:crypto, i.e. OpenSSL). Each number gets a fresh 96-bit nonce;
 * the worker's record id is the additional authenticated data, so a sealed number moved to another
 * worker's row does not open. The key's id (a SHA-256 prefix) is kept beside each sealed number, so a
 * hub started with another key says so instead of failing on every row with an opaque error.
 */

export type SealedIdentity = { keyId: string; nonce: string; ciphertext: string; tag: string };

const KEY_BYTES = 32;

export function identityKeyId(options: { key: Buffer }): string {
  return createHash('sha256').update(options.key).digest('hex').slice(0, 16);
}

export function checkIdentityKey(options: { key: Buffer }): Buffer {
  if (options.key.length !== KEY_BYTES) {
    throw new RangeError(`the identity key must be ${KEY_BYTES} bytes, not ${options.key.length}`);
  }
  return options.key;
}

export function sealIdentity(options: { key: Buffer; workerId: string; idNumber: string }): SealedIdentity {
  const key = checkIdentityKey(options);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(options.workerId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(options.idNumber, 'utf8'), cipher.final()]);
  return {
    keyId: identityKeyId({ key }),
    nonce: nonce.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

export function openIdentity(options: { key: Buffer; workerId: string; sealed: SealedIdentity }): string {
  const key = checkIdentityKey(options);
  const { sealed } = options;
  if (sealed.keyId !== identityKeyId({ key })) {
    throw new Error(
      `the identity number of ${options.workerId} was sealed with key ${sealed.keyId}, not this hub's (${identityKeyId({ key })}): start the hub with the key it was kept under`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.nonce, 'base64'));
  decipher.setAAD(Buffer.from(options.workerId, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new Error(`the identity number of ${options.workerId} does not open: it was altered or moved`);
  }
}
