/**
 * How FreeSWITCH puts an event on the wire: `switch_event_serialize()` (plain, URL-encoded),
 * `switch_event_serialize_json()` (flat JSON) and `switch_event_xmlize()` (XML), byte for byte.
 */
import type { SwitchEvent } from './switch-event';

/** `SWITCH_URL_UNSAFE` from switch_utils.h. */
const URL_UNSAFE = new Set(Array.from('\r\n #%&+:;<=>?@[\\]^`{|}"', (c) => c.charCodeAt(0)));
const HEX = '0123456789ABCDEF';
const UPPER_HEX = new Set(Array.from(HEX, (c) => c.charCodeAt(0)));

/** What an empty header value is sent as in plain events. */
export const UNDEFINED_VALUE = '_undef_';

/**
 * `switch_url_encode()` over the value's UTF-8 bytes: control bytes, bytes above 0x7E and the unsafe set become
 * `%XX` (uppercase); a `%` already followed by two uppercase hex digits is left alone (so values are never
 * double-encoded); an empty value becomes `_undef_`.
 */
export function urlEncodeValue(options: { value: string }): string {
  if (options.value === '') return UNDEFINED_VALUE;
  const bytes = Buffer.from(options.value, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    const alreadyEncoded =
      b === 0x25 &&
      i + 2 < bytes.length &&
      UPPER_HEX.has(bytes[i + 1] ?? 0) &&
      UPPER_HEX.has(bytes[i + 2] ?? 0);
    if (!alreadyEncoded && (b < 0x20 || b > 0x7e || URL_UNSAFE.has(b))) {
      out += `%${HEX[b >> 4] ?? '0'}${HEX[b & 0x0f] ?? '0'}`;
    } else {
      out += String.fromCharCode(b);
    }
  }
  return out;
}

/**
 * A plain event body: `Name: value\n` per header (values URL-encoded), then either
 * `Content-Length: n\n\n<body>` or a lone `\n`, so the body always ends the header block the way clients expect.
 */
export function serializePlainEvent(options: { event: SwitchEvent }): string {
  const { event } = options;
  let text = '';
  for (const [name, value] of event.headers) text += `${name}: ${urlEncodeValue({ value })}\n`;
  if (event.body !== undefined && event.body !== '') {
    text += `Content-Length: ${Buffer.byteLength(event.body, 'utf8')}\n\n${event.body}`;
  } else {
    text += '\n';
  }
  return text;
}

/**
 * A JSON event as cJSON_PrintUnformatted writes it: one flat object in header order, values unencoded. A repeated
 * header is written twice (cJSON does not deduplicate); JSON parsers keep the last.
 */
export function serializeJsonEvent(options: { event: SwitchEvent }): string {
  const { event } = options;
  const members = event.headers.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`);
  if (event.body !== undefined && event.body !== '') {
    members.push(`"Content-Length":${JSON.stringify(String(Buffer.byteLength(event.body, 'utf8')))}`);
    members.push(`"_body":${JSON.stringify(event.body)}`);
  }
  return `{${members.join(',')}}`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

/** An XML event (`event xml`): header values URL-encoded as in `switch_event_xmlize()`. */
export function serializeXmlEvent(options: { event: SwitchEvent }): string {
  const { event } = options;
  let text = '<event>\n  <headers>\n';
  for (const [name, value] of event.headers) {
    text += `    <${name}>${escapeXml(urlEncodeValue({ value }))}</${name}>\n`;
  }
  text += '  </headers>\n';
  if (event.body !== undefined && event.body !== '') {
    text += `  <Content-Length>${Buffer.byteLength(event.body, 'utf8')}</Content-Length>\n`;
    text += `  <body>${escapeXml(event.body)}</body>\n`;
  }
  return `${text}</event>\n`;
}

export type EventFormat = 'plain' | 'json' | 'xml';

export function serializeEvent(options: { event: SwitchEvent; format: EventFormat }): string {
  switch (options.format) {
    case 'plain':
      return serializePlainEvent(options);
    case 'json':
      return serializeJsonEvent(options);
    case 'xml':
      return serializeXmlEvent(options);
  }
}
