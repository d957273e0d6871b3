import { describe, expect, test } from 'vitest';
import { chatCommand, escapeChatField, SwitchSmsSender } from './switch-sms-sender';

/*
 * How FreeSWITCH 1.10 reads `api chat <args>`: mod_dptools' chat_api_function calls
 * switch_separate_string(args, '|', argv, 5), i.e. separate_string_char_delim() and then
 * cleanup_separated_string() on every field (src/switch_utils.c). Ported line by line, so the escaping is
 * checked against the parser it must survive rather than against itself.
 */
const ESCAPE_META = '\\';

function unescapeChar(char: string): string {
  switch (char) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 's':
      return ' ';
    default:
      return char;
  }
}

function cleanupSeparatedString(field: string, delim: string): string {
  let ptr = 0;
  while (field[ptr] === ' ') ptr += 1;
  let dest = '';
  let end = -1;
  let insideQuotes = false;
  for (; ptr < field.length; ptr += 1) {
    let escaped = false;
    if (field[ptr] === ESCAPE_META) {
      const next = field[ptr + 1] ?? '';
      if (
        next === "'" ||
        next === '"' ||
        next === delim ||
        next === ESCAPE_META ||
        (next !== '' && unescapeChar(next) !== next)
      ) {
        ptr += 1;
        dest +=
          next === "'" || next === '"' || next === delim || next === ESCAPE_META ? next : unescapeChar(next);
        end = dest.length;
        escaped = true;
      }
    }
    if (!escaped) {
      const char = field[ptr] ?? '';
      if (char === "'" && (insideQuotes || field.indexOf("'", ptr + 1) >= 0)) {
        insideQuotes = !insideQuotes;
        if (insideQuotes) end = dest.length;
      } else {
        dest += char;
        if (char !== ' ' || insideQuotes) end = dest.length;
      }
    }
  }
  return end < 0 ? dest : dest.slice(0, end);
}

function separateString(buf: string, delim: string, max: number): string[] {
  const starts: number[] = [];
  const cuts: number[] = [];
  let state: 'start' | 'find' = 'start';
  let insideQuotes = false;
  let ptr = 0;
  while (ptr < buf.length && starts.length < max) {
    if (state === 'start') {
      starts.push(ptr);
      state = 'find';
      continue;
    }
    const char = buf[ptr];
    if (char === ESCAPE_META) {
      ptr += 1;
    } else if (char === "'" && (insideQuotes || buf.indexOf("'", ptr + 1) >= 0)) {
      insideQuotes = !insideQuotes;
    } else if (char === delim && !insideQuotes) {
      cuts.push(ptr);
      state = 'start';
    }
    ptr += 1;
  }
  return starts.map((start, i) => {
    const cut = cuts.find((at) => at >= start && (starts[i + 1] === undefined || at < (starts[i + 1] ?? 0)));
    return cleanupSeparatedString(buf.slice(start, cut ?? buf.length), delim);
  });
}

/** What mod_dptools' chat API hands to switch_core_chat_send_args(): proto, from, to, body, type. */
function parseChat(command: string): string[] {
  expect(command.startsWith('chat ')).toBe(true);
  return separateString(command.slice('chat '.length), '|', 5);
}

describe('chatCommand', () => {
  test.each([
    ['楼下水管爆了，请派人来修。'],
    ['a|b||c|'],
    ["it's 'quoted' and \"double\""],
    ['back\\slash \\n is not a newline, \\| nor a pipe'],
    ['line one\nline two\r\n\ttabbed'],
    ['<script>alert("x")</script> & %41%2B'],
    ['\\'],
    ["'"],
    ['trailing backslash \\'],
  ])('the switch reads back exactly the body: %j', (text) => {
    const command = chatCommand({
      proto: 'sip',
      from: '12345@county.example',
      to: 'external/13800138000@sms.carrier.example',
      text,
    });
    expect(command).not.toMatch(/[\r\n]/);
    expect(parseChat(command)).toEqual([
      'sip',
      '12345@county.example',
      'external/13800138000@sms.carrier.example',
      text,
      'text/plain;charset=UTF-8',
    ]);
  });

  test('addresses are our configuration and are checked all the same', () => {
    for (const from of ['a|b@x', "a'b@x", 'a b@x', 'a\nb@x', '']) {
      expect(() => chatCommand({ proto: 'sip', from, to: 'x@y', text: 'hi' })).toThrow(/is not an address/);
    }
    expect(escapeChatField({ text: 'a|b' })).toBe('a\\|b');
  });
});

describe('SwitchSmsSender', () => {
  const phone = { e164: '+8613800138000', national: '13800138000' };

  // The simulator has no `chat` API, so the switch's two possible answers come from this stand-in.
  function fakeSwitch(reply: string) {
    const commands: string[] = [];
    return {
      commands,
      control: {
        api: (options: { command: string }) => {
          commands.push(options.command);
          return Promise.resolve(reply);
        },
      },
    };
  }

  test('`Sent` is success; the citizen is put into the to template by national number', async () => {
    const { control, commands } = fakeSwitch('Sent');
    const sender = new SwitchSmsSender({
      control,
      from: '12345@county.example',
      to: 'external/{number}@sms.carrier.example',
    });
    expect(sender.channel).toBe('switch');
    expect(await sender.send({ id: 'r1', phone, text: '已派人|三点到' })).toEqual({ externalId: null });
    expect(commands).toEqual([
      'chat sip|12345@county.example|external/13800138000@sms.carrier.example|已派人\\|三点到|text/plain;charset=UTF-8',
    ]);
  });

  test("the switch's refusals are bodies, not -ERR: they are failures with the reply", async () => {
    for (const reply of ['Error! Message Not Sent', 'Invalid', '']) {
      const sender = new SwitchSmsSender({
        control: fakeSwitch(reply).control,
        from: 'a@b',
        to: '{number}@c',
      });
      await expect(sender.send({ id: 'r1', phone, text: 'x' })).rejects.toThrow(
        `the switch did not send it: ${reply === '' ? '(no reply)' : reply}`,
      );
    }
  });

  test('a bad configuration is refused when the sender is built', () => {
    const { control } = fakeSwitch('Sent');
    expect(() => new SwitchSmsSender({ control, from: 'a@b', to: 'c@d' })).toThrow(/\{number\}/);
    expect(() => new SwitchSmsSender({ control, from: 'a|b', to: '{number}@d' })).toThrow(/not an address/);
  });
});
