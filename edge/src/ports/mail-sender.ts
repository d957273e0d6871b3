/** One file attached to a mail. */
export type MailAttachment = { filename: string; content: Uint8Array | string; contentType: string };

export type OutgoingMail = {
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
  attachments: readonly MailAttachment[];
};

/** Sends mail through the centre's mail server. */
export type MailSender = {
  /** Resolves once the server has accepted the message for every recipient; rejects otherwise. */
  send(options: { mail: OutgoingMail }): Promise<{ messageId: string }>;
  close(): void;
};

/** Which scheduled report periods have been mailed, so a restart neither repeats nor skips one. */
export type ReportMailLog = {
  lastSentKey(): Promise<string | null>;
  markSent(options: { key: string; at: number; messageId: string }): Promise<void>;
};
