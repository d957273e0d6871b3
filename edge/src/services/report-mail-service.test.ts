import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Projector, type ProjectionDatabase } from '@jiazheng/sync/projections';
// The sync package's simulated network: orders by real signed proposals, decided by their counties' homes.
import { runScenario, SimulatedNetwork } from '@jiazheng/sync/projections/test-support';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { drizzle } from 'drizzle-orm/pglite';
import ExcelJS from 'exceljs';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { JsonFileReportMailLog } from '../adapters/files/json-file-report-mail-log';
import { NodemailerMailSender } from '../adapters/mail/nodemailer-mail-sender';
import { SqlOrderReportSource } from '../adapters/reports/sql-order-report-source';
import { renderReportXlsx } from '../adapters/reports/xlsx-report';
import { buildOrderReport, parseOrderReportQuery } from '../domain/order-report';
import { ReportMailService } from './report-mail-service';

type Received = { from: string; to: string[]; mail: ParsedMail };

let pglite: PGlite;
let db: ProjectionDatabase;
let smtp: SMTPServer;
let smtpPort: number;
let dir: string;
const inbox: Received[] = [];
/** Recipients the server refuses, to play a department's address that no longer exists. */
const refused = new Set<string>();

beforeAll(async () => {
  pglite = new PGlite();
  db = drizzle({ client: pglite });
  const store = new MemoryRecordStore();
  const projector = new Projector({ db, store, batchSize: 50 });
  await projector.migrate();
  const network = await SimulatedNetwork.create({ store, seed: 11 });
  await runScenario({ network, projector, db, rounds: 3, ordersPerRound: 30 });

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      callback(refused.has(address.address) ? new Error('no such mailbox') : undefined);
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          inbox.push({
            from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            mail,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
  dir = await mkdtemp(join(tmpdir(), 'jz-report-mail-'));
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(resolve));
  await pglite.close();
  await rm(dir, { recursive: true, force: true });
});

const silent = { info: () => {}, error: () => {} };

function makeService(options: { now: number; logPath: string; to?: string[]; errors?: string[] }) {
  return new ReportMailService({
    source: new SqlOrderReportSource({ db }),
    sender: new NodemailerMailSender({ url: `smtp://127.0.0.1:${smtpPort}` }),
    log: new JsonFileReportMailLog({ path: options.logPath }),
    renderXlsx: renderReportXlsx,
    schedule: 'monthly',
    level: 'province',
    from: '家政服务网络中心 <hub@centre.example.cn>',
    to: options.to ?? ['stats@dept.example.cn', 'quality@dept.example.cn'],
    centreName: '家政服务网络中心',
    logger: { ...silent, error: (message: string) => options.errors?.push(message) },
    now: () => options.now,
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('at start the due month is mailed to every department, with its figures and both files, and only once', async () => {
  inbox.length = 0;
  const logPath = join(dir, 'monthly.json');
  const now = Date.parse('2026-12-01T02:00:00Z');
  const service = makeService({ now, logPath });
  await service.start();
  await until(() => inbox.length === 1, 'the mail');
  await service.stop();

  const [received] = inbox;
  if (!received) throw new Error('no mail');
  expect(received.to).toEqual(['stats@dept.example.cn', 'quality@dept.example.cn']);
  expect(received.from).toBe('hub@centre.example.cn');
  expect(received.mail.subject).toBe('家政服务网络中心 家政服务统计月报 2026-11');

  // The same figures the report API gives for November.
  const parsed = parseOrderReportQuery({
    input: { level: 'province', period: 'month', from: '2026-11-01', to: '2026-11-30' },
  });
  if (!parsed.ok) throw new Error(parsed.issue.message);
  const report = buildOrderReport({
    query: parsed.query,
    ...(await new SqlOrderReportSource({ db }).countOrders({ query: parsed.query })),
  });
  expect(report.total.received).toBeGreaterThan(0);
  expect(received.mail.text).toContain(`受理量 ${report.total.received}（`);
  expect(received.mail.text).toContain('浙江省 2026-11');

  const [csv, xlsx] = received.mail.attachments;
  expect(csv?.filename).toMatch(/\.csv$/);
  const csvText = csv?.content.toString('utf8') ?? '';
  expect(csvText.startsWith('\uFEFF地区代码,地区,期间,受理量')).toBe(true);
  expect(csvText).toContain(`,${report.total.received},`);
  expect(xlsx?.filename).toMatch(/\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(xlsx?.content ?? []).buffer);
  expect(workbook.worksheets[0]?.getCell('A1').value).toBe('地区代码');
  expect(workbook.worksheets[0]?.rowCount).toBe(report.rows.length + 2);

  // Restarted the same morning: nothing is sent twice.
  const again = makeService({ now, logPath });
  expect(await again.sendDue()).toEqual({ key: '2026-11', sent: false });
  await again.stop();
  expect(inbox).toHaveLength(1);
  expect(JSON.parse(await readFile(logPath, 'utf8'))).toMatchObject({ sent: [{ key: '2026-11' }] });
}, 60_000);

test('a refused recipient is not logged as sent: the report goes again once the address is fixed', async () => {
  inbox.length = 0;
  refused.add('gone@dept.example.cn');
  const logPath = join(dir, 'refused.json');
  const now = Date.parse('2026-12-01T02:00:00Z');
  const errors: string[] = [];
  const failing = makeService({ now, logPath, to: ['gone@dept.example.cn'], errors });
  await failing.start();
  await until(() => errors.length === 1, 'the failure');
  await failing.stop();
  expect(errors[0]).toContain('retrying in 10 min');
  expect(inbox).toHaveLength(0);
  await expect(readFile(logPath, 'utf8')).rejects.toThrow(/ENOENT/);

  const fixed = makeService({ now, logPath, to: ['stats@dept.example.cn'] });
  expect(await fixed.sendDue()).toEqual({ key: '2026-11', sent: true });
  await fixed.stop();
  expect(inbox.map((r) => r.to)).toEqual([['stats@dept.example.cn']]);
}, 60_000);
