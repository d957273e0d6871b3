/**
 * Reads client commands off the socket the way mod_event_socket's `read_packet()` does: leading blank lines
 * are skipped; a header block ends at two `\n` with only `\r` between them (so `\r\n` and `\n` both work); the
 * first line is the command, later `Name: value` lines are headers; a `Content-Length` header is followed by
 * exactly that many bytes of body.
 */

export type EslCommand = {
  /** The command line without its line ending, e.g. `api status`. */
  readonly line: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string | undefined;
};

/** A header of a command, case-insensitively as FreeSWITCH looks it up. */
export function commandHeader(options: { command: EslCommand; name: string }): string | undefined {
  const wanted = options.name.toLowerCase();
  for (const [name, value] of options.command.headers) {
    if (name.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export type CommandParseError = {
  readonly kind: 'body-too-large' | 'header-too-large';
  readonly message: string;
};

export type CommandParseResult = { commands: EslCommand[]; error: CommandParseError | undefined };

const LF = 0x0a;
const CR = 0x0d;

export class CommandParser {
  readonly #maxBodyBytes: number;
  readonly #maxHeaderBytes: number;
  #header: number[] = [];
  #newlines = 0;
  #pending: { line: string; headers: Array<readonly [string, string]>; remaining: number } | undefined;
  #bodyChunks: Buffer[] = [];
  #failed = false;

  constructor(options: { maxBodyBytes: number; maxHeaderBytes: number }) {
    this.#maxBodyBytes = options.maxBodyBytes;
    this.#maxHeaderBytes = options.maxHeaderBytes;
  }

  push(options: { chunk: Buffer }): CommandParseResult {
    const commands: EslCommand[] = [];
    if (this.#failed) return { commands, error: undefined };
    const { chunk } = options;
    let i = 0;
    while (i < chunk.length) {
      if (this.#pending) {
        const take = Math.min(this.#pending.remaining, chunk.length - i);
        this.#bodyChunks.push(chunk.subarray(i, i + take));
        this.#pending.remaining -= take;
        i += take;
        if (this.#pending.remaining === 0) {
          const { line, headers } = this.#pending;
          commands.push({ line, headers, body: Buffer.concat(this.#bodyChunks).toString('utf8') });
          this.#pending = undefined;
          this.#bodyChunks = [];
        }
        continue;
      }
      const b = chunk[i++] ?? 0;
      if (this.#header.length === 0 && (b === CR || b === LF)) continue;
      this.#header.push(b);
      if (b === LF) this.#newlines++;
      else if (b !== CR) this.#newlines = 0;
      if (this.#header.length > this.#maxHeaderBytes) {
        this.#failed = true;
        return {
          commands,
          error: {
            kind: 'header-too-large',
            message: `-ERR command headers exceed ${this.#maxHeaderBytes} bytes`,
          },
        };
      }
      if (this.#newlines < 2) continue;
      const block = Buffer.from(this.#header).toString('utf8');
      this.#header = [];
      this.#newlines = 0;
      const parsed = this.#parseBlock(block);
      if (parsed.contentLength > this.#maxBodyBytes) {
        this.#failed = true;
        return {
          commands,
          error: {
            kind: 'body-too-large',
            message: `-ERR Content-Length ${parsed.contentLength} exceeds the ${this.#maxBodyBytes}-byte limit`,
          },
        };
      }
      if (parsed.contentLength > 0) {
        this.#pending = { line: parsed.line, headers: parsed.headers, remaining: parsed.contentLength };
      } else {
        commands.push({ line: parsed.line, headers: parsed.headers, body: undefined });
      }
    }
    return { commands, error: undefined };
  }

  #parseBlock(block: string): {
    line: string;
    headers: Array<readonly [string, string]>;
    contentLength: number;
  } {
    const lines = block.split(/[\r\n]+/).filter((l) => l !== '');
    const line = lines[0] ?? '';
    const headers: Array<readonly [string, string]> = [];
    let contentLength = 0;
    for (const raw of lines.slice(1)) {
      const colon = raw.indexOf(':');
      if (colon < 0) continue;
      const name = raw.slice(0, colon);
      const value = raw.slice(colon + 1).replace(/^ +/, '');
      headers.push([name, value]);
      // atoi(): leading digits, anything else is 0.
      if (name.toLowerCase() === 'content-length') contentLength = Number.parseInt(value, 10) || 0;
    }
    return { line, headers, contentLength };
  }
}
