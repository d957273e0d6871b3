import { expect, test } from 'vitest';
import {
  checkUploadedDocuments,
  cleanDocumentName,
  detectDocumentType,
  MAX_DOCUMENT_BYTES,
} from './uploaded-documents';

const bytes = (...values: number[]) => new Uint8Array(values);
const pdf = new TextEncoder().encode('%PDF-1.4 …');

test.each([
  ['PDF', pdf, 'application/pdf'],
  ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'image/jpeg'],
  ['PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
  ['a Windows program', bytes(0x4d, 0x5a, 0x90, 0), null],
  ['HTML', new TextEncoder().encode('<html><script>'), null],
  ['a truncated PNG signature', bytes(0x89, 0x50, 0x4e), null],
  ['nothing', bytes(), null],
])('%s is read from its bytes as %s', (_, data, type) => {
  expect(detectDocumentType({ bytes: data })).toBe(type);
});

test.each([
  ['C:\\扫描\\营业执照.pdf', '营业执照.pdf'],
  ['../../etc/passwd', 'passwd'],
  ['a\u202eexe.pdf', 'aexe.pdf'],
  ['bad"name<>|?*;.png', 'badname.png'],
  ['\u0000\u0007', '文件'],
  ['..', '文件'],
  [`${'长'.repeat(150)}.pdf`, '长'.repeat(100)],
])('the name %j is kept as %j', (name, cleaned) => {
  expect(cleanDocumentName({ name })).toBe(cleaned);
});

test('documents are checked for count, size and type; empty file inputs are skipped', () => {
  expect(checkUploadedDocuments({ files: [{ name: '', bytes: bytes() }], required: false })).toEqual({
    ok: true,
    documents: [],
  });
  expect(checkUploadedDocuments({ files: [], required: true })).toMatchObject({ ok: false });
  const messageOf = (result: ReturnType<typeof checkUploadedDocuments>) => (result.ok ? '' : result.message);
  const six = Array.from({ length: 6 }, (_, i) => ({ name: `${i}.pdf`, bytes: pdf }));
  expect(messageOf(checkUploadedDocuments({ files: six, required: true }))).toContain('at most 5 files');
  const big = new Uint8Array(MAX_DOCUMENT_BYTES + 1);
  big.set(pdf);
  expect(
    messageOf(checkUploadedDocuments({ files: [{ name: 'big.pdf', bytes: big }], required: true })),
  ).toContain('big.pdf: each file must be at most 5 MB');
  expect(
    messageOf(
      checkUploadedDocuments({ files: [{ name: 'x.pdf', bytes: bytes(0x4d, 0x5a) }], required: true }),
    ),
  ).toContain('only PDF, JPEG and PNG');
  expect(checkUploadedDocuments({ files: [{ name: 'a/b.pdf', bytes: pdf }], required: true })).toEqual({
    ok: true,
    documents: [{ name: 'b.pdf', type: 'application/pdf', bytes: pdf }],
  });
});
