/*
 * Documents uploaded with an enterprise's application (licence scans, certificates, insurance policies).
 * Anyone on the internet can send them, so the type is read from the bytes, never from the name or the
 * browser's content type; the name is kept only as a label, cleaned of anything that could mislead.
 */

export const DocumentType = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
} as const;
export type DocumentType = (typeof DocumentType)[keyof typeof DocumentType];

/** A phone photo of a licence is 2–4 MB; a scanned PDF of a few pages less. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const MAX_DOCUMENTS = 5;
const MAX_NAME_LENGTH = 100;

const signatures: ReadonlyArray<{ type: DocumentType; bytes: readonly number[] }> = [
  { type: DocumentType.pdf, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: DocumentType.jpeg, bytes: [0xff, 0xd8, 0xff] },
  { type: DocumentType.png, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

/** The document's type from its first bytes, or null when it is none the centre accepts. */
export function detectDocumentType(options: { bytes: Uint8Array }): DocumentType | null {
  const { bytes } = options;
  for (const signature of signatures) {
    if (signature.bytes.every((byte, i) => bytes[i] === byte)) return signature.type;
  }
  return null;
}

/**
 * The name shown to the registry officer: the last path segment, without controls, bidi overrides or
 * characters that mean something in a header or a path, at most 100 characters; `文件` when nothing is left.
 */
export function cleanDocumentName(options: { name: string }): string {
  const last = options.name.split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069"<>:|?*;]/g, '')
    .trim()
    .slice(0, MAX_NAME_LENGTH);
  return cleaned === '' || /^\.+$/.test(cleaned) ? '文件' : cleaned;
}

export type UploadedFile = { name: string; bytes: Uint8Array };
export type CheckedDocument = { name: string; type: DocumentType; bytes: Uint8Array };

/**
 * Checks the uploaded files: how many, each one's size and type. Returns the documents, or the message for
 * the `documents` field (bilingual, as the forms' messages are). Empty file inputs (a browser sends one
 * when nothing was chosen) are skipped.
 */
export function checkUploadedDocuments(options: {
  files: readonly UploadedFile[];
  required: boolean;
}): { ok: true; documents: CheckedDocument[] } | { ok: false; message: string } {
  const files = options.files.filter((f) => f.bytes.length > 0);
  if (files.length === 0 && options.required)
    return { ok: false, message: '请上传营业执照等证明材料 / upload the licence and other documents' };
  if (files.length > MAX_DOCUMENTS)
    return { ok: false, message: `最多 ${MAX_DOCUMENTS} 个文件 / at most ${MAX_DOCUMENTS} files` };
  const documents: CheckedDocument[] = [];
  for (const file of files) {
    const name = cleanDocumentName({ name: file.name });
    if (file.bytes.length > MAX_DOCUMENT_BYTES) {
      return {
        ok: false,
        message: `${name}：每个文件不超过 5 MB / ${name}: each file must be at most 5 MB`,
      };
    }
    const type = detectDocumentType({ bytes: file.bytes });
    if (type === null) {
      return {
        ok: false,
        message: `${name}：只接受 PDF、JPEG、PNG / ${name}: only PDF, JPEG and PNG files are accepted`,
      };
    }
    documents.push({ name, type, bytes: file.bytes });
  }
  return { ok: true, documents };
}
