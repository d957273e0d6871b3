import type { CallControl } from '../../ports/call-control';
import type { SmsSender } from '../../ports/sms-sender';

/** Where the citizen's national number goes in the `to` template. */
export const NUMBER_PLACEHOLDER = '{number}';

/**
 * A `from`, `to` or proto field of `api chat`: our own configuration, never a citizen's text, but checked
 * all the same, since one `|`, quote, backslash or line break would change what the switch does.
 */
const CHAT_ADDRESS = /^[A-Za-z0-9+_.~!$*=,;:@/{}-]{1,200}$/;

export type SwitchSmsSenderOptions = {
  control: Pick<CallControl, 'api'>;
  /** Our address as the citizen sees it, e.g. `12345@county.example` (the hotline's SMS number). */
  from: string;
  /**
   * Where to send, with `{number}` for the citizen's national number: `external/{number}@sms.carrier.example`
   * (the sofia profile, then the carrier's SIP host), or `sip:{number}@10.0.0.1:5060`. mod_sofia looks the
   * user up among registrations first and otherwise sends the SIP MESSAGE to that host.
   */
  to: string;
  /** The chat interface: `sip` (mod_sofia), or e.g. `smpp` with mod_smpp. */
  proto?: string;
};

/**
 * Escapes one field of `api chat <proto>|<from>|<to>|<body>|<type>` for FreeSWITCH 1.10's
 * `switch_separate_string(…, '|', …)`: a backslash makes the next character literal (so `\|`, `\'`, `\\`),
 * an unescaped `'` starts a quoted run and is removed, and `\n`, `\r`, `\t` are turned back into the control
 * characters. A raw line break must never reach the command: the Event Socket would read the rest as a new
 * command.
 */
export function escapeChatField(options: { text: string }): string {
  return options.text.replace(/[\\|'\n\r\t]/g, (char) => {
    switch (char) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\${char}`;
    }
  });
}

/**
 * `chat <proto>|<from>|<to>|<body>|text/plain;charset=UTF-8` (mod_dptools' `chat` API). The type is given
 * because mod_sofia otherwise sends `text/html`; the body is escaped (escapeChatField).
 */
export function chatCommand(options: { proto: string; from: string; to: string; text: string }): string {
  for (const [name, value] of [
    ['proto', options.proto],
    ['from', options.from],
    ['to', options.to],
  ] as const) {
    if (!CHAT_ADDRESS.test(value))
      throw new Error(`sms: the chat ${name} ${JSON.stringify(value)} is not an address`);
  }
  return `chat ${options.proto}|${options.from}|${options.to}|${escapeChatField({ text: options.text })}|text/plain;charset=UTF-8`;
}

/**
 * Sends SMS through the switch: `api chat`, which is blocking on FreeSWITCH 1.10 and answers `Sent`, or
 * `Error! Message Not Sent` / `Invalid` (as a body, not an `-ERR`, so it is checked here). The switch then
 * fires a MESSAGE event of its own (`proto: global`), which readSwitchMessage ignores.
 */
export class SwitchSmsSender implements SmsSender {
  readonly channel = 'switch' as const;
  readonly #control: Pick<CallControl, 'api'>;
  readonly #from: string;
  readonly #to: string;
  readonly #proto: string;

  constructor(options: SwitchSmsSenderOptions) {
    if (!options.to.includes(NUMBER_PLACEHOLDER)) {
      throw new Error(`sms: the switch's to template must contain ${NUMBER_PLACEHOLDER}`);
    }
    this.#control = options.control;
    this.#from = options.from;
    this.#to = options.to;
    this.#proto = options.proto ?? 'sip';
    // Refuses a bad configuration at start-up rather than at the first reply.
    chatCommand({ proto: this.#proto, from: this.#from, to: this.#to, text: '' });
  }

  async send(options: {
    id: string;
    phone: { e164: string; national: string };
    text: string;
  }): Promise<{ externalId: string | null }> {
    if (!/^\d{3,15}$/.test(options.phone.national)) throw new Error('sms: not a national number');
    const command = chatCommand({
      proto: this.#proto,
      from: this.#from,
      to: this.#to.replaceAll(NUMBER_PLACEHOLDER, options.phone.national),
      text: options.text,
    });
    const reply = (await this.#control.api({ command })).trim();
    if (reply !== 'Sent')
      throw new Error(`the switch did not send it: ${reply.slice(0, 200) || '(no reply)'}`);
    return { externalId: null };
  }
}
