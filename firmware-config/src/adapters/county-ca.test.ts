// Before @peculiar/x509, which needs the Reflect metadata API at load time.
import './reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { issueCountyCertificates, issueServerCertificate, type CountyCertificates } from './county-ca';

const DAY_MS = 86_400_000;
const now = new Date();
let xihu: CountyCertificates;
let beijing: CountyCertificates;

beforeAll(async () => {
  xihu = await issueCountyCertificates({
    county: '330106',
    hostnames: ['jz-330106.lan', 'localhost'],
    ipAddresses: ['127.0.0.1', '192.168.10.2'],
    now,
  });
  beijing = await issueCountyCertificates({
    county: '110101',
    hostnames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
});

test('the county root is a CA named after the county, valid for ten years', () => {
  const ca = new X509Certificate(xihu.caCertPem);
  expect(ca.ca).toBe(true);
  expect(ca.subject.split('\n')).toEqual([
    'CN=家政服务网络 浙江省杭州市西湖区 根证书',
    'O=家政服务网络',
    'C=CN',
  ]);
  expect(ca.issuer).toBe(ca.subject);
  expect(ca.verify(ca.publicKey)).toBe(true);
  const years = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365.25 * DAY_MS);
  expect(years).toBeCloseTo(10, 1);
  expect(ca.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  expect(new X509Certificate(beijing.caCertPem).subject).toContain('CN=家政服务网络 北京市东城区 根证书');
});

test('the server certificate is signed by the county root and names the appliance', () => {
  const ca = new X509Certificate(xihu.caCertPem);
  const server = new X509Certificate(xihu.serverCertPem);
  expect(server.ca).toBe(false);
  expect(server.verify(ca.publicKey)).toBe(true);
  expect(server.checkIssued(ca)).toBe(true);
  expect(server.verify(new X509Certificate(beijing.caCertPem).publicKey)).toBe(false);
  expect(server.checkHost('jz-330106.lan')).toBe('jz-330106.lan');
  expect(server.checkHost('localhost')).toBe('localhost');
  expect(server.checkHost('jz-330107.lan')).toBeUndefined();
  expect(server.checkIP('192.168.10.2')).toBe('192.168.10.2');
  expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
  expect(server.checkIP('192.168.10.3')).toBeUndefined();
  expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  expect(server.subjectAltName).toBe(
    'DNS:jz-330106.lan, DNS:localhost, IP Address:127.0.0.1, IP Address:192.168.10.2',
  );
  expect(server.checkPrivateKey(createPrivateKey(xihu.serverKeyPem))).toBe(true);
  expect(ca.checkPrivateKey(createPrivateKey(xihu.caKeyPem))).toBe(true);
  expect(server.serialNumber).not.toBe(ca.serialNumber);
});

test('extensions: the root signs certificates only; the server certificate is for TLS servers only', () => {
  const ca = new x509.X509Certificate(xihu.caCertPem);
  const server = new x509.X509Certificate(xihu.serverCertPem);
  const caConstraints = ca.getExtension(x509.BasicConstraintsExtension);
  expect([caConstraints?.ca, caConstraints?.pathLength, caConstraints?.critical]).toEqual([true, 0, true]);
  const caUsage = ca.getExtension(x509.KeyUsagesExtension);
  expect([caUsage?.usages, caUsage?.critical]).toEqual([
    x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
    true,
  ]);
  expect(server.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
  expect(server.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
  expect(server.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([
    x509.ExtendedKeyUsage.serverAuth,
  ]);
  // The server certificate points at the root's key, so clients find the issuer among several roots.
  expect(server.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(
    ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
  );
  expect(server.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
});

test('the server certificate is valid for at most 397 days, from an hour before issue', () => {
  const server = new X509Certificate(xihu.serverCertPem);
  const from = Date.parse(server.validFrom);
  const to = Date.parse(server.validTo);
  // Certificate times have whole seconds.
  expect(Math.abs(from - (now.getTime() - 3_600_000))).toBeLessThan(1000);
  expect(to - from).toBe(397 * DAY_MS);
});

test('private keys are PKCS#8 PEM, ECDSA P-256', () => {
  for (const pem of [xihu.caKeyPem, xihu.serverKeyPem]) {
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    const key = createPrivateKey(pem);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  }
});

/** One HTTPS GET to the test server; resolves with the body or rejects with the TLS error. */
function get(options: { port: number; ca?: string; servername?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: '/',
        agent: false,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.servername === undefined ? {} : { servername: options.servername }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let server: Server | undefined;
let port = 0;

beforeAll(async () => {
  server = createServer({ key: xihu.serverKeyPem, cert: xihu.serverCertPem }, (_req, res) => {
    res.end('家政服务网络');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  if (server === undefined) return;
  server.close();
  await once(server, 'close');
});

test('an HTTPS client that trusts the county root accepts the appliance, by address and by name', async () => {
  await expect(get({ port, ca: xihu.caCertPem })).resolves.toBe('家政服务网络');
  await expect(get({ port, ca: xihu.caCertPem, servername: 'jz-330106.lan' })).resolves.toBe('家政服务网络');
});

test('a client that does not trust the county root, or expects another name, refuses the connection', async () => {
  await expect(get({ port })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  await expect(get({ port, ca: beijing.caCertPem })).rejects.toMatchObject({
    code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  });
  await expect(get({ port, ca: xihu.caCertPem, servername: 'jz-330107.lan' })).rejects.toMatchObject({
    code: 'ERR_TLS_CERT_ALTNAME_INVALID',
  });
});

test('a new server certificate from the existing root is trusted by the same seats', async () => {
  const renewed = await issueServerCertificate({
    caCertPem: xihu.caCertPem,
    caKeyPem: xihu.caKeyPem,
    hostnames: ['jz-330106.lan'],
    ipAddresses: ['192.168.10.3'],
    validDays: 90,
  });
  const ca = new X509Certificate(xihu.caCertPem);
  const cert = new X509Certificate(renewed.serverCertPem);
  expect(cert.verify(ca.publicKey)).toBe(true);
  expect(cert.checkIssued(ca)).toBe(true);
  expect(cert.checkIP('192.168.10.3')).toBe('192.168.10.3');
  expect(cert.serialNumber).not.toBe(new X509Certificate(xihu.serverCertPem).serialNumber);
  expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(90 * DAY_MS);
});

test('re-issuing refuses a key from another root, a root that is not a CA, and a root about to expire', async () => {
  const base = { hostnames: ['jz-330106.lan'] };
  await expect(
    issueServerCertificate({ ...base, caCertPem: xihu.caCertPem, caKeyPem: beijing.caKeyPem }),
  ).rejects.toThrow('caKeyPem: does not belong to caCertPem');
  await expect(
    issueServerCertificate({ ...base, caCertPem: xihu.serverCertPem, caKeyPem: xihu.serverKeyPem }),
  ).rejects.toThrow('caCertPem: is not a CA certificate');
  const nearTheEnd = new Date(Date.parse(new X509Certificate(xihu.caCertPem).validTo) - 30 * DAY_MS);
  await expect(
    issueServerCertificate({ ...base, caCertPem: xihu.caCertPem, caKeyPem: xihu.caKeyPem, now: nearTheEnd }),
  ).rejects.toThrow(/^the county root expires on .*, before this certificate would/);
  await expect(
    issueServerCertificate({ ...base, caCertPem: xihu.caCertPem, caKeyPem: 'not a key' }),
  ).rejects.toThrow('caKeyPem: must be a PEM private key (-----BEGIN PRIVATE KEY-----)');
});

test('bad requests name every field at fault', async () => {
  await expect(
    issueCountyCertificates({
      county: '330100',
      hostnames: ['*.lan'],
      ipAddresses: ['300.1.1.1'],
      validDays: 825,
    }),
  ).rejects.toThrow(
    [
      'county: 330100 (浙江省杭州市) is a city, not a county',
      'hostnames.0: must be a DNS name such as jz-330106 or jz-330106.lan (no wildcards)',
      'ipAddresses.0: must be an IPv4 or IPv6 address',
      'validDays: must be at most 397 (browsers refuse longer)',
    ].join('\n'),
  );
  await expect(issueCountyCertificates({ county: '330106', hostnames: [] })).rejects.toThrow(
    'hostnames: must list at least one host name',
  );
});
