// Must come before @peculiar/x509, which needs the Reflect metadata API at load time.
import './reflect-metadata';
import type { webcrypto as NodeWebCrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  CA_VALID_YEARS,
  countyCertificatesRequestSchema,
  countyRootCommonName,
  ORGANISATION_NAME,
  parseCertificateRequest,
  serverCertificateRequestSchema,
  type CountyCertificatesRequest,
  type ServerCertificateRequest,
} from '../domain/certificate-request';

/**
 * The county certificate authority: a root per county and the appliance's HTTPS certificate signed by it,
 * made with WebCrypto (Node's `globalThis.crypto`) through @peculiar/x509. ECDSA P-256 with SHA-256, which
 * every browser on Windows, Android and iPadOS accepts.
 */

type CryptoKey = NodeWebCrypto.CryptoKey;
type CryptoKeyPair = NodeWebCrypto.CryptoKeyPair;

const webcrypto = globalThis.crypto;
x509.cryptoProvider.set(webcrypto);

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** Tablets whose clocks run a little behind still accept a certificate issued "just now". */
const BACKDATE_MS = 3_600_000;

/** The county root cannot be used as asked (wrong key, not a CA, expiring); the message says what to do. */
export class CountyCaError extends Error {
  override readonly name = 'CountyCaError';
}

export type CountyCertificates = {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
};

export type ServerCertificate = { serverCertPem: string; serverKeyPem: string };

/** A positive 128-bit serial (RFC 5280 wants ≤ 20 octets, positive, unpredictable). */
function newSerialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return `${x509.PemConverter.encode(der, 'PRIVATE KEY')}\n`;
}

function certificatePem(certificate: x509.X509Certificate): string {
  return `${certificate.toString('pem')}\n`;
}

async function createServerCertificate(options: {
  ca: x509.X509Certificate;
  caKey: CryptoKey;
  hostnames: readonly string[];
  ipAddresses: readonly string[];
  now: Date;
  validDays: number;
}): Promise<ServerCertificate> {
  const { ca, hostnames, ipAddresses, now } = options;
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  // Counted from notBefore, so the whole validity period stays within the limit.
  const notAfter = new Date(notBefore.getTime() + options.validDays * DAY_MS);
  if (notAfter > ca.notAfter) {
    throw new CountyCaError(
      `the county root expires on ${ca.notAfter.toISOString()}, before this certificate would; ` +
        'issue a new root (and install it on every seat) or ask for fewer days',
    );
  }
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: newSerialNumber(),
    subject: [{ CN: [hostnames[0] ?? ''] }, { O: [ORGANISATION_NAME] }],
    issuer: ca.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: options.caKey,
    signingAlgorithm: SIGNATURE,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      // Browsers read names only from here, never from the CN.
      new x509.SubjectAlternativeNameExtension(
        [
          ...hostnames.map((value) => ({ type: 'dns' as const, value })),
          ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
        ],
        false,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
    ],
  });
  return { serverCertPem: certificatePem(certificate), serverKeyPem: await privateKeyPem(keys.privateKey) };
}

/**
 * A new county root CA and an HTTPS certificate for the appliance signed by it. The root is valid for
 * ten years; the server certificate for `validDays` (at most 397, what browsers accept).
 */
export async function issueCountyCertificates(
  options: CountyCertificatesRequest,
): Promise<CountyCertificates> {
  const request = parseCertificateRequest({ schema: countyCertificatesRequestSchema, input: options });
  const now = request.now ?? new Date();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_VALID_YEARS);

  const caKeys = await generateKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerialNumber(),
    name: [
      { CN: [countyRootCommonName({ county: request.county })] },
      { O: [ORGANISATION_NAME] },
      { C: ['CN'] },
    ],
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: SIGNATURE,
    extensions: [
      // pathLength 0: the county root signs server certificates only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const server = await createServerCertificate({
    ca,
    caKey: caKeys.privateKey,
    hostnames: request.hostnames,
    ipAddresses: request.ipAddresses,
    now,
    validDays: request.validDays,
  });
  return { caCertPem: certificatePem(ca), caKeyPem: await privateKeyPem(caKeys.privateKey), ...server };
}

async function loadCa(options: { caCertPem: string; caKeyPem: string; now: Date }): Promise<{
  ca: x509.X509Certificate;
  caKey: CryptoKey;
}> {
  let ca: x509.X509Certificate;
  try {
    ca = new x509.X509Certificate(options.caCertPem);
  } catch (error) {
    throw new CountyCaError(`caCertPem: not a readable certificate (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (ca.getExtension(x509.BasicConstraintsExtension)?.ca !== true) {
    throw new CountyCaError('caCertPem: is not a CA certificate (no basicConstraints CA:TRUE)');
  }
  if (options.now < ca.notBefore || options.now > ca.notAfter) {
    throw new CountyCaError(
      `caCertPem: is not valid now (${ca.notBefore.toISOString()} – ${ca.notAfter.toISOString()})`,
    );
  }
  let caKey: CryptoKey;
  try {
    caKey = await webcrypto.subtle.importKey(
      'pkcs8',
      x509.PemConverter.decodeFirst(options.caKeyPem),
      EC_KEY,
      false,
      ['sign'],
    );
  } catch (error) {
    throw new CountyCaError('caKeyPem: not a PKCS#8 ECDSA P-256 private key', { cause: error });
  }
  // A key from another county's root would sign certificates that no seat of this county trusts.
  const probe = new TextEncoder().encode('county-ca key check');
  const signature = await webcrypto.subtle.sign(SIGNATURE, caKey, probe);
  const caPublicKey = await webcrypto.subtle.importKey('spki', ca.publicKey.rawData, EC_KEY, false, [
    'verify',
  ]);
  if (!(await webcrypto.subtle.verify(SIGNATURE, caPublicKey, signature, probe))) {
    throw new CountyCaError('caKeyPem: does not belong to caCertPem');
  }
  return { ca, caKey };
}

/** A new HTTPS certificate from an existing county root, e.g. when the old one is about to expire. */
export async function issueServerCertificate(options: ServerCertificateRequest): Promise<ServerCertificate> {
  const request = parseCertificateRequest({ schema: serverCertificateRequestSchema, input: options });
  const now = request.now ?? new Date();
  const { ca, caKey } = await loadCa({ caCertPem: request.caCertPem, caKeyPem: request.caKeyPem, now });
  return createServerCertificate({
    ca,
    caKey,
    hostnames: request.hostnames,
    ipAddresses: request.ipAddresses,
    now,
    validDays: request.validDays,
  });
}
