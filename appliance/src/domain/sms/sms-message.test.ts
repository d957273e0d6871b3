import { DomainError } from '@jiazheng/sync/domain';
import { describe, expect, test } from 'vitest';
import {
  cleanSmsLine,
  cleanSmsText,
  MAX_SMS_TEXT_LENGTH,
  prepareReplyText,
  readGatewayMessage,
  readSwitchMessage,
} from './sms-message';

const NOW = '2026-11-20T02:00:00.000Z';

/** A MESSAGE as mod_sofia fires it for a SIP MESSAGE from the carrier's trunk (FreeSWITCH 1.10). */
function sofiaMessage(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'Event-Name': 'MESSAGE',
    'Core-UUID': '6d5e2f3a-8c1b-4f0e-9a7d-2b3c4d5e6f70',
    'Event-Date-Timestamp': '1795226400123456',
    'Event-Sequence': '4711',
    login: 'sip:mod_sofia@10.0.0.2:5080',
    proto: 'sip',
    to_proto: 'sip',
    from: '13800138000@sms.carrier.example',
    from_user: '13800138000',
    from_host: 'sms.carrier.example',
    to_user: '12345',
    to_host: '10.0.0.2',
    from_sip_ip: '10.9.9.9',
    from_sip_port: '5060',
    to: '12345@10.0.0.2',
    subject: 'SIMPLE MESSAGE',
    context: 'public',
    type: 'text/plain',
    from_full: '<sip:13800138000@sms.carrier.example>;tag=abc',
    sip_profile: 'external',
    dest_proto: 'sip',
    'Nonblocking-Delivery': 'true',
    ...overrides,
  };
}

function read(options: {
  headers: Record<string, string>;
  body: string | undefined;
  ownNumbers?: readonly string[];
}) {
  return readSwitchMessage({ ...options, receivedAt: NOW, defaultAreaCode: '0571' });
}

describe('readSwitchMessage', () => {
  test("a carrier's SMS: the sender in E.164, the switch's own time, an id from Core-UUID and Event-Sequence", () => {
    const result = read({ headers: sofiaMessage(), body: '楼下水管爆了，请派人来修。' });
    expect(result).toEqual({
      type: 'sms',
      sms: {
        externalId: 'switch:6d5e2f3a-8c1b-4f0e-9a7d-2b3c4d5e6f70:4711',
        channel: 'switch',
        phone: '+8613800138000',
        phoneRaw: '13800138000',
        text: '楼下水管爆了，请派人来修。',
        receivedAt: new Date(1795226400123).toISOString(),
        truncated: false,
      },
    });
  });

  test('Event-UUID, when the event has one, is the id; the sender is read from `from` without from_user', () => {
    const headers = sofiaMessage({ 'Event-UUID': 'b3c2a1d0-0000-4000-8000-000000000001' });
    delete headers.from_user;
    headers.from = 'sip:+86 138-0013-8000@sms.carrier.example;user=phone';
    const result = read({ headers, body: 'hi' });
    expect(result.type === 'sms' && result.sms.externalId).toBe(
      'switch:b3c2a1d0-0000-4000-8000-000000000001',
    );
    expect(result.type === 'sms' && result.sms.phone).toBe('+8613800138000');
  });

  test('a sender that is not a number is kept raw with phone null; a local landline gets the area code', () => {
    const alpha = read({ headers: sofiaMessage({ from_user: 'ChinaMobile' }), body: 'x' });
    expect(alpha.type === 'sms' && [alpha.sms.phone, alpha.sms.phoneRaw]).toEqual([null, 'ChinaMobile']);
    const local = read({ headers: sofiaMessage({ from_user: '88888888' }), body: 'x' });
    expect(local.type === 'sms' && local.sms.phone).toBe('+8657188888888');
  });

  test.each([
    [{ proto: 'global' }, /proto global is not an SMS protocol/],
    [{ proto: 'verto' }, /proto verto/],
    [{ 'Delivery-Failure': 'false' }, /switch sent/],
    [{ blocking: 'true' }, /switch sent/],
    [{ type: 'application/im-iscomposing+xml' }, /not text/],
    [{ type: 'application/vnd.3gpp.sms' }, /not text/],
    [{ from_user: '', from: '' }, /no sender/],
    [{ 'Core-UUID': '' }, /no Event-UUID/],
    [{ 'Event-Sequence': 'x1' }, /no Event-UUID/],
  ])('ignored: %o', (overrides, reason) => {
    const result = read({ headers: sofiaMessage(overrides), body: 'hello' });
    expect(result.type).toBe('ignored');
    expect(result.type === 'ignored' && result.reason).toMatch(reason);
  });

  test('no proto at all, no body, or a body of nothing but controls and blanks is ignored', () => {
    const headers = sofiaMessage();
    delete headers.proto;
    expect(read({ headers, body: 'x' })).toEqual({ type: 'ignored', reason: 'no proto header: not an SMS' });
    expect(read({ headers: sofiaMessage(), body: undefined }).type).toBe('ignored');
    expect(read({ headers: sofiaMessage(), body: ' \u0000\u0007\r\n\u202e ' })).toEqual({
      type: 'ignored',
      reason: 'empty text',
    });
  });

  test('our own number, in any form, is an echo of a reply (proto header matched case-insensitively)', () => {
    const headers = sofiaMessage({ from_user: '12345' });
    delete headers.proto;
    headers.Proto = 'SIP';
    expect(read({ headers, body: '您的诉求已受理', ownNumbers: ['12345'] })).toMatchObject({
      type: 'ignored',
    });
    const mobile = read({
      headers: sofiaMessage({ from_user: '+86 13900139000' }),
      body: 'x',
      ownNumbers: ['13900139000'],
    });
    expect(mobile.type).toBe('ignored');
  });

  test('hostile headers are cleaned before they reach a log line or the store', () => {
    const result = read({
      headers: sofiaMessage({ proto: 'x\u0000\nINJECTED: yes', from_user: 'a' }),
      body: 'x',
    });
    // eslint-disable-next-line no-control-regex -- control characters are what must not get through
    expect(result.type === 'ignored' && result.reason).not.toMatch(/[\n\u0000]/);
    const sender = read({
      headers: sofiaMessage({ from_user: `1380013\u202e8000${'9'.repeat(100)}` }),
      body: 'x',
    });
    expect(sender.type === 'sms' && sender.sms.phoneRaw).toHaveLength(40);
    expect(sender.type === 'sms' && sender.sms.phoneRaw).not.toContain('\u202e');
    expect(sender.type === 'sms' && sender.sms.phone).toBeNull();
  });

  test('a text over the cap is cut (the switch cannot be told) and says so', () => {
    const result = read({ headers: sofiaMessage(), body: '水'.repeat(5000) });
    expect(result.type === 'sms' && Array.from(result.sms.text)).toHaveLength(MAX_SMS_TEXT_LENGTH);
    expect(result.type === 'sms' && result.sms.text.endsWith('…')).toBe(true);
    expect(result.type === 'sms' && result.sms.truncated).toBe(true);
  });

  test('without a usable Event-Date-Timestamp the arrival time is used', () => {
    const result = read({ headers: sofiaMessage({ 'Event-Date-Timestamp': 'soon' }), body: 'x' });
    expect(result.type === 'sms' && result.sms.receivedAt).toBe(NOW);
  });
});

describe('cleanSmsText', () => {
  test('controls, bidi overrides and invisible characters out; line breaks kept; markup kept as text', () => {
    const { text, truncated } = cleanSmsText({
      text: '\ufeff <script>alert(1)</script>\r\n第二行\u0000\u0008\t末尾 \u202eevil\u2066\r\r\n\n\n\n最后\u2028',
    });
    expect(text).toBe('<script>alert(1)</script>\n第二行 末尾 evil\n\n最后');
    expect(truncated).toBe(false);
  });

  test('lone surrogate halves become U+FFFD; emoji survive; exactly the cap is not cut', () => {
    expect(cleanSmsText({ text: 'a\ud800b\udc00c 👍' }).text).toBe('a\ufffdb\ufffdc 👍');
    const exact = '👍'.repeat(MAX_SMS_TEXT_LENGTH);
    expect(cleanSmsText({ text: exact })).toEqual({ text: exact, truncated: false });
    const over = cleanSmsText({ text: `${exact}x` });
    expect(Array.from(over.text)).toHaveLength(MAX_SMS_TEXT_LENGTH);
    expect(over.truncated).toBe(true);
  });

  test('cleanSmsLine makes one line', () => {
    expect(cleanSmsLine({ text: ' a\nb\tc\u0000d\u202e ', max: 40 })).toBe('a b c d');
    expect(cleanSmsLine({ text: 'abcdef', max: 4 })).toBe('abc…');
  });
});

describe('readGatewayMessage', () => {
  const payload = {
    id: 'cm-20261120-000001',
    from: '+86 138 0013 8000',
    to: '12345',
    text: '路灯坏了 <b>三天</b>',
    receivedAt: '2026-11-20T09:59:00+08:00',
  };

  test('the webhook body becomes the same shape as a MESSAGE, with the carrier id as the external id', () => {
    expect(readGatewayMessage({ payload, receivedAt: NOW, defaultAreaCode: '0571' })).toEqual({
      externalId: 'gateway:cm-20261120-000001',
      channel: 'gateway',
      phone: '+8613800138000',
      phoneRaw: '+86 138 0013 8000',
      text: '路灯坏了 <b>三天</b>',
      receivedAt: '2026-11-20T01:59:00.000Z',
      truncated: false,
    });
  });

  test('unknown fields are ignored; a time in the future, or none, is taken as now', () => {
    const future = readGatewayMessage({
      payload: { ...payload, receivedAt: '2030-01-01T00:00:00Z', smsc: '+8613800571500' },
      receivedAt: NOW,
    });
    expect(future.receivedAt).toBe(NOW);
    const { receivedAt: _omit, ...noTime } = payload;
    expect(readGatewayMessage({ payload: noTime, receivedAt: NOW }).receivedAt).toBe(NOW);
  });

  test.each([
    [{ ...payload, text: '水'.repeat(MAX_SMS_TEXT_LENGTH + 1) }, 'text', /at most 1000 characters/],
    [{ ...payload, text: 42 }, 'text', /is required/],
    [{ ...payload, text: '\u0000 \r\n' }, 'text', /is empty/],
    [{ ...payload, from: '1'.repeat(41) }, 'from', /at most 40/],
    [{ ...payload, from: ' ' }, 'from', /is required/],
    [{ ...payload, from: '\u0000\u0001' }, 'from', /empty once control characters/],
    [{ ...payload, id: 'has space' }, 'id', /printable ASCII/],
    [{ ...payload, id: 'x'.repeat(129) }, 'id', /at most 128/],
    [{ ...payload, receivedAt: 'yesterday' }, 'receivedAt', /ISO 8601/],
    [[payload], 'body', /JSON object/],
    ['text', 'body', /JSON object/],
  ])('refused, naming the field: %#', (input, field, message) => {
    let caught: unknown;
    try {
      readGatewayMessage({ payload: input, receivedAt: NOW });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).field).toBe(field);
    expect((caught as DomainError).message).toMatch(message);
    expect((caught as DomainError).message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('prepareReplyText', () => {
  test('cleans, and refuses what is empty or too long rather than cutting it', () => {
    expect(prepareReplyText({ text: ' 您好\r\n已派人 ' })).toBe('您好\n已派人');
    expect(() => prepareReplyText({ text: '\u0000 ' })).toThrow('text: is empty');
    expect(() => prepareReplyText({ text: 'a'.repeat(MAX_SMS_TEXT_LENGTH + 1) })).toThrow(
      'text: must be at most 1000 characters',
    );
  });
});
