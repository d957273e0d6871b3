import type { DocumentType } from '../domain/uploaded-documents';

/** Uploaded documents, kept by the SHA-256 of their bytes (the id the enterprise record carries). */
export interface DocumentStore {
  /** Stores the bytes (once: the same bytes again are the same document) and returns their SHA-256. */
  put(options: { bytes: Uint8Array; type: DocumentType }): Promise<{ sha256: string }>;
  /** The bytes and type, or null when no such document is kept. */
  get(options: { sha256: string }): Promise<{ bytes: Uint8Array; type: DocumentType } | null>;
}
