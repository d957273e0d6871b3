/**
 * The composition root: the only place that reads files, parses arguments and writes output. Everything it
 * calls takes its inputs as options, so the same code is tested without a process.
 *
 *   render      --provisioning <file.json> --out <dir> [--force]
 *   issue-cert  --provisioning <file.json> --out <dir> [--ca-dir <dir>] [--hostname <name>]… [--valid-days <n>] [--force]
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DomainError, formatRegionName } from '@jiazheng/sync/domain';
import { CountyCaError, issueCountyCertificates, issueServerCertificate } from './adapters/county-ca';
import {
  assertEmptyOrForced,
  assertNoneExistOrForced,
  OutputRefusedError,
  writeOutputFiles,
} from './adapters/output-files';
import { checkRenderedConfig } from './domain/check';
import { parseProvisioning, type Provisioning } from './domain/provisioning';
import { renderFreeswitchConfig } from './domain/render';

export const USAGE = `usage:
  render      --provisioning <file.json> --out <dir> [--force]
              renders the county's FreeSWITCH configuration, checks it, and writes it to an empty folder
  issue-cert  --provisioning <file.json> --out <dir> [--ca-dir <dir>] [--hostname <name>]... [--valid-days <n>] [--force]
              issues the county root (ca.crt, ca.key) and the appliance's HTTPS certificate (server.crt,
              server.key); with --ca-dir, reuses the root in that folder and writes only server.crt, server.key
              (and a copy of ca.crt)`;

/** A mistake the person at the keyboard can fix; printed without a stack trace, exit code 1. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Output = { write: (text: string) => unknown };

export type CliOptions = {
  argv: readonly string[];
  /** Relative paths are resolved against this (npm runs workspace scripts in the package folder). */
  cwd?: string;
  stdout?: Output;
  stderr?: Output;
  now?: Date;
};

const CA_CERT = 'ca.crt';
const CA_KEY = 'ca.key';
const SERVER_CERT = 'server.crt';
const SERVER_KEY = 'server.key';
const PUBLIC_FILE_MODE = 0o644;

function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        provisioning: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        'ca-dir': { type: 'string' },
        hostname: { type: 'string', multiple: true },
        'valid-days': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

async function loadProvisioning(path: string): Promise<Provisioning> {
  const text = await readText(path, 'the provisioning file');
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseProvisioning({ input });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const lines = error.message.split('\n').map((line) => `  - ${line}`);
    throw new UsageError(
      `${path} has ${lines.length} problem${lines.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
    );
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${flag} is required`);
  return value;
}

async function render(options: {
  values: ReturnType<typeof parseCommandLine>['values'];
  cwd: string;
  stdout: Output;
}): Promise<void> {
  const { values, cwd, stdout } = options;
  const provisioningPath = resolve(cwd, required(values.provisioning, 'provisioning'));
  const outDir = resolve(cwd, required(values.out, 'out'));
  const provisioning = await loadProvisioning(provisioningPath);
  const files = renderFreeswitchConfig({ provisioning });
  const problems = checkRenderedConfig({ files, provisioning });
  if (problems.length > 0) {
    const lines = problems.map((problem) => `  - ${problem.file}: ${problem.message} [${problem.code}]`);
    throw new UsageError(
      `the rendered configuration failed its checks; nothing was written:\n${lines.join('\n')}`,
    );
  }
  await assertEmptyOrForced({ dir: outDir, force: values.force });
  const written = await writeOutputFiles({
    dir: outDir,
    files: Object.entries(files).map(([path, content]) => ({ path, content })),
  });
  stdout.write(
    `rendered ${written.length} files for ${provisioning.county} ${formatRegionName({ code: provisioning.county })} ` +
      `into ${outDir}; all checks passed\n`,
  );
}

function parseValidDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--valid-days must be a whole number, not ${value}`);
  return Number(value);
}

async function issueCert(options: {
  values: ReturnType<typeof parseCommandLine>['values'];
  cwd: string;
  stdout: Output;
  now: Date | undefined;
}): Promise<void> {
  const { values, cwd, stdout } = options;
  const provisioning = await loadProvisioning(resolve(cwd, required(values.provisioning, 'provisioning')));
  const outDir = resolve(cwd, required(values.out, 'out'));
  const request = {
    hostnames: [provisioning.hostname, ...(values.hostname ?? [])],
    ipAddresses: provisioning.lanAddresses,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(values['valid-days'] === undefined ? {} : { validDays: parseValidDays(values['valid-days']) }),
  };

  let caCertPem: string;
  let files: { path: string; content: string; mode?: number }[];
  if (values['ca-dir'] !== undefined) {
    const caDir = resolve(cwd, values['ca-dir']);
    caCertPem = await readText(resolve(caDir, CA_CERT), 'the county root certificate');
    const caKeyPem = await readText(resolve(caDir, CA_KEY), 'the county root key');
    const server = await issueServerCertificate({ caCertPem, caKeyPem, ...request });
    files = [
      ...(caDir === outDir ? [] : [{ path: CA_CERT, content: caCertPem, mode: PUBLIC_FILE_MODE }]),
      { path: SERVER_CERT, content: server.serverCertPem, mode: PUBLIC_FILE_MODE },
      { path: SERVER_KEY, content: server.serverKeyPem },
    ];
  } else {
    const issued = await issueCountyCertificates({ county: provisioning.county, ...request });
    caCertPem = issued.caCertPem;
    files = [
      { path: CA_CERT, content: issued.caCertPem, mode: PUBLIC_FILE_MODE },
      { path: CA_KEY, content: issued.caKeyPem },
      { path: SERVER_CERT, content: issued.serverCertPem, mode: PUBLIC_FILE_MODE },
      { path: SERVER_KEY, content: issued.serverKeyPem },
    ];
  }
  await assertNoneExistOrForced({ dir: outDir, paths: files.map((file) => file.path), force: values.force });
  await writeOutputFiles({ dir: outDir, files });
  const ca = new X509Certificate(caCertPem);
  stdout.write(
    `wrote ${files.map((file) => file.path).join(', ')} to ${outDir}\n` +
      `county root: ${ca.subject.split('\n')[0] ?? ''}\n` +
      // Seats show a fingerprint when the root is installed (Windows SHA-1, Android and iPadOS SHA-256);
      // the technician compares it before trusting the root.
      `SHA-256 fingerprint: ${ca.fingerprint256}\n` +
      `SHA-1 fingerprint (Windows "Thumbprint"): ${ca.fingerprint}\n` +
      `server certificate for: ${request.hostnames.join(', ')}, ${request.ipAddresses.join(', ')}\n`,
  );
}

/** Runs one command; resolves with the exit code (0 done, 1 bad input or refused output). */
export async function runCli(options: CliOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const cwd = options.cwd ?? process.cwd();
  try {
    const { values, positionals } = parseCommandLine(options.argv);
    const [command, ...extra] = positionals;
    if (values.help) {
      stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`);
    if (command === 'render') await render({ values, cwd, stdout });
    else if (command === 'issue-cert') await issueCert({ values, cwd, stdout, now: options.now });
    else throw new UsageError(command === undefined ? 'no command given' : `unknown command ${command}`);
    return 0;
  } catch (error) {
    const expected = [UsageError, OutputRefusedError, DomainError, CountyCaError].some(
      (kind) => error instanceof kind,
    );
    if (!expected) throw error;
    stderr.write(`error: ${(error as Error).message}\n`);
    if (error instanceof UsageError && /command|argument|option/.test(error.message))
      stderr.write(`${USAGE}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await runCli({ argv: process.argv.slice(2) });
}
