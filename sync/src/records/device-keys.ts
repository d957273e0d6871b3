import { fromBase64UrlEncoded, toBase64UrlEncoded } from 'lib0/buffer';
// Types only (erased at build): Node's typings name WebCrypto's types under `webcrypto`; browsers have them as globals.
import type { webcrypto } from 'node:crypto';

export type CryptoKey = webcrypto.CryptoKey;
type JsonWebKey = webcrypto.JsonWebKey;

/**
 * Device keys: ECDSA P-256 with SHA-256 through WebCrypto, which Node 20 and every browser provide alike,
 * so a PWA, an appliance and the hub sign and verify the same way. In the browser the private key is made
 * non-extractable: it can sign but can never leave the device, even to the app's own code.
 */
const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;

export type DeviceKeyPair = { publicKey: CryptoKey; privateKey: CryptoKey };

export async function generateDeviceKeys(options: { extractable: boolean }): Promise<DeviceKeyPair> {
  // The public half is always extractable (it is published in the directory); `extractable` governs the private half.
  const pair = await crypto.subtle.generateKey(algorithm, options.extractable, ['sign', 'verify']);
  return pair;
}

/** The public key as raw uncompressed point bytes (65), base64url: what the directory stores. */
export async function exportPublicKey(options: { key: CryptoKey }): Promise<string> {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', options.key));
  return toBase64Url(raw);
}

export async function importPublicKey(options: { publicKey: string }): Promise<CryptoKey> {
  const raw = fromBase64Url(options.publicKey);
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('publicKey: not an uncompressed P-256 point');
  return crypto.subtle.importKey('raw', toArrayBuffer(raw), algorithm, true, ['verify']);
}

/** For appliances and tests, which keep their key in a file: JWK of the private key. */
export async function exportPrivateKey(options: { key: CryptoKey }): Promise<JsonWebKey> {
  return crypto.subtle.exportKey('jwk', options.key);
}

export async function importPrivateKey(options: { jwk: JsonWebKey }): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', options.jwk, algorithm, false, ['sign']);
}

/** A 64-byte raw (r‖s) signature. */
export async function signBytes(options: { privateKey: CryptoKey; bytes: Uint8Array }): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign(signing, options.privateKey, toArrayBuffer(options.bytes)));
}

export async function verifyBytes(options: {
  publicKey: CryptoKey;
  bytes: Uint8Array;
  signature: Uint8Array;
}): Promise<boolean> {
  if (options.signature.length !== 64) return false;
  return crypto.subtle.verify(
    signing,
    options.publicKey,
    toArrayBuffer(options.signature),
    toArrayBuffer(options.bytes),
  );
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64UrlEncoded(bytes);
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  return fromBase64UrlEncoded(text);
}
