import { describe, expect, test } from 'vitest';
import { CommandParser } from './command-parser';
import { serializeJsonEvent, serializePlainEvent, serializeXmlEvent, urlEncodeValue } from './event-encoding';
import type { SwitchEvent } from './switch-event';
import { apiResponseFrame, eventFrame } from './wire-frames';

describe('urlEncodeValue (switch_url_encode)', () => {
  test.each([
    ['Tue, 07 Jul 2020 02:00:00 GMT', 'Tue,%2007%20Jul%202020%2002%3A00%3A00%20GMT'],
    ['1001@127.0.0.1', '1001%40127.0.0.1'],
    ['Müller', 'M%C3%BCller'],
    ['张三', '%E5%BC%A0%E4%B8%89'],
    ['', '_undef_'],
    ['::1', '%3A%3A1'],
    ['#', '%23'],
    [
      'a+b&c=d?e;f<g>h[i]j^k`l{m|n}o"p\\q',
      'a%2Bb%26c%3Dd%3Fe%3Bf%3Cg%3Eh%5Bi%5Dj%5Ek%60l%7Bm%7Cn%7Do%22p%5Cq',
    ],
    ['line\r\nnext\ttab\u007f', 'line%0D%0Anext%09tab%7F'],
    ['/path/to/file.wav', '/path/to/file.wav'],
    ["it's (fine) ~!*$-_.", "it's%20(fine)%20~!*$-_."],
  ])('%j → %s', (value, encoded) => {
    expect(urlEncodeValue({ value })).toBe(encoded);
  });

  test('an existing %XX (uppercase hex) is left alone, anything else with % is encoded', () => {
    expect(urlEncodeValue({ value: '%41%2B' })).toBe('%41%2B');
    expect(urlEncodeValue({ value: '%2b' })).toBe('%252b');
    expect(urlEncodeValue({ value: '100%' })).toBe('100%25');
    expect(urlEncodeValue({ value: '%4' })).toBe('%254');
    expect(urlEncodeValue({ value: '%4G' })).toBe('%254G');
  });
});

const event: SwitchEvent = {
  name: 'CUSTOM',
  subclass: 'sms::recv',
  headers: [
    ['Event-Name', 'CUSTOM'],
    ['Event-Subclass', 'sms::recv'],
    ['from', '13800138000'],
    ['from', 'again'],
    ['name', '张三 <x>'],
  ],
  body: 'hello\n世界',
};

describe('serializing events', () => {
  test('plain: URL-encoded header lines, repeats kept, then Content-Length in bytes and the body', () => {
    expect(serializePlainEvent({ event })).toBe(
      'Event-Name: CUSTOM\nEvent-Subclass: sms%3A%3Arecv\nfrom: 13800138000\nfrom: again\n' +
        'name: %E5%BC%A0%E4%B8%89%20%3Cx%3E\nContent-Length: 12\n\nhello\n世界',
    );
    expect(serializePlainEvent({ event: { ...event, body: undefined } }).endsWith('%3Cx%3E\n\n')).toBe(true);
  });

  test('json: one flat object in header order, values unencoded, Content-Length as a string and _body', () => {
    const text = serializeJsonEvent({ event });
    expect(text).toBe(
      '{"Event-Name":"CUSTOM","Event-Subclass":"sms::recv","from":"13800138000","from":"again",' +
        '"name":"张三 <x>","Content-Length":"12","_body":"hello\\n世界"}',
    );
    expect(JSON.parse(text)).toMatchObject({ from: 'again', 'Content-Length': '12', _body: 'hello\n世界' });
  });

  test('xml: header values URL-encoded and escaped, the body escaped', () => {
    const text = serializeXmlEvent({ event: { ...event, body: 'a < b' } });
    expect(text).toContain('    <name>%E5%BC%A0%E4%B8%89%20%3Cx%3E</name>\n');
    expect(text).toContain('  <Content-Length>5</Content-Length>\n  <body>a &lt; b</body>\n</event>\n');
  });

  test('frames count bytes, not characters', () => {
    const frame = eventFrame({ event, format: 'json' });
    const [head = '', body = ''] = frame.split('\n\n', 2);
    expect(head).toBe(
      `Content-Length: ${Buffer.byteLength(frame.slice(head.length + 2))}\nContent-Type: text/event-json`,
    );
    expect(body.startsWith('{"Event-Name"')).toBe(true);
    expect(apiResponseFrame({ body: '张三\n' })).toBe(
      'Content-Type: api/response\nContent-Length: 7\n\n张三\n',
    );
  });
});

describe('CommandParser (read_packet)', () => {
  const parser = (): CommandParser => new CommandParser({ maxBodyBytes: 64, maxHeaderBytes: 256 });

  test('accepts \\n and \\r\\n, skips leading blank lines, keeps headers in order', () => {
    const { commands, error } = parser().push({
      chunk: Buffer.from(
        '\r\n\nsendmsg abc\r\ncall-command: execute\r\nexecute-app-name:   playback\r\n\r\napi status\n\n',
      ),
    });
    expect(error).toBeUndefined();
    expect(commands).toEqual([
      {
        line: 'sendmsg abc',
        headers: [
          ['call-command', 'execute'],
          ['execute-app-name', 'playback'],
        ],
        body: undefined,
      },
      { line: 'api status', headers: [], body: undefined },
    ]);
  });

  test('a body is Content-Length bytes, however the bytes are split across reads', () => {
    const p = parser();
    const bytes = Buffer.from('sendevent CUSTOM\nContent-Length: 7\n\n张三!exit\n\n');
    const commands = [];
    for (const byte of bytes) commands.push(...p.push({ chunk: Buffer.from([byte]) }).commands);
    expect(commands.map((c) => [c.line, c.body])).toEqual([
      ['sendevent CUSTOM', '张三!'],
      ['exit', undefined],
    ]);
  });

  test('a body over the limit is refused before it is read; so is an endless header block', () => {
    expect(parser().push({ chunk: Buffer.from('sendevent CUSTOM\nContent-Length: 65\n\n') }).error).toEqual({
      kind: 'body-too-large',
      message: '-ERR Content-Length 65 exceeds the 64-byte limit',
    });
    expect(parser().push({ chunk: Buffer.alloc(300, 0x61) }).error?.kind).toBe('header-too-large');
  });
});
