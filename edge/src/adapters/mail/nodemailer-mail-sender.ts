import nodemailer, { type Transporter } from 'nodemailer';
import type { MailSender, OutgoingMail } from '../../ports/mail-sender';

/**
 * Mail through an SMTP server named by a URL (`smtp://user:pass@host:587`, `smtps://…:465`). Nodemailer
 * does the SMTP, MIME and encoding; a message counts as sent only when the server accepted every
 * recipient, so a half-delivered report is retried rather than logged as sent.
 */
export class NodemailerMailSender implements MailSender {
  readonly #transport: Transporter;

  constructor(options: { url: string }) {
    this.#transport = nodemailer.createTransport(options.url);
  }

  async send(options: { mail: OutgoingMail }): Promise<{ messageId: string }> {
    const { mail } = options;
    const info = await this.#transport.sendMail({
      from: mail.from,
      to: [...mail.to],
      subject: mail.subject,
      text: mail.text,
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        content: typeof a.content === 'string' ? a.content : Buffer.from(a.content),
        contentType: a.contentType,
      })),
    });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0) throw new Error(`the mail server refused ${rejected.join(', ')}`);
    return { messageId: info.messageId };
  }

  close(): void {
    this.#transport.close();
  }
}
