/**
 * Dial strings and `originate` arguments as mod_commands and switch_ivr_originate read them:
 * `{var=value,…}[leg=vars]endpoint`, then `&app(args)` or an extension with dialplan, context, caller ID and
 * timeout.
 */

export type DialTarget =
  /** A registered seat phone: `user/1001` or `user/1001@domain`. */
  | { readonly kind: 'user'; readonly extension: string; readonly domain: string | undefined }
  /** A number through a carrier gateway: `sofia/gateway/carrier/13800138000`. */
  | { readonly kind: 'gateway'; readonly gateway: string; readonly number: string }
  /** `sofia/<profile>/<user>@<host>`. */
  | { readonly kind: 'sofia'; readonly profile: string; readonly user: string; readonly host: string }
  /** `error/<cause>`: fails at once with that cause. */
  | { readonly kind: 'error'; readonly cause: string }
  | { readonly kind: 'unsupported'; readonly endpoint: string };

export type DialString = {
  readonly variables: ReadonlyMap<string, string>;
  readonly target: DialTarget;
  /** Further legs (`,` simultaneous, `|` sequential) the simulator does not dial. */
  readonly ignoredLegs: number;
};

/** Splits on `separator` outside quotes and outside `{}`, `[]`, `()`, `<>`. */
export function splitOutside(options: { text: string; separator: string }): string[] {
  const { text, separator } = options;
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const c of text) {
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      current += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      current += c;
      continue;
    }
    if (c === '{' || c === '[' || c === '(' || c === '<') depth++;
    if ((c === '}' || c === ']' || c === ')' || c === '>') && depth > 0) depth--;
    if (c === separator && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && (trimmed[0] === "'" || trimmed[0] === '"') && trimmed.endsWith(trimmed[0])) {
    return trimmed.slice(1, -1);
  }
  return trimmed;
}

function readVariables(block: string, into: Map<string, string>): void {
  for (const pair of splitOutside({ text: block, separator: ',' })) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    into.set(pair.slice(0, eq).trim(), unquote(pair.slice(eq + 1)));
  }
}

export function parseDialString(options: { text: string }): DialString {
  const variables = new Map<string, string>();
  let rest = options.text.trim();
  // Global {…} then per-leg […] variable blocks, in any number.
  for (;;) {
    const open = rest[0];
    const close = open === '{' ? '}' : open === '[' ? ']' : open === '<' ? '>' : undefined;
    if (close === undefined) break;
    const end = rest.indexOf(close);
    if (end < 0) break;
    readVariables(rest.slice(1, end), variables);
    rest = rest.slice(end + 1);
  }
  const legs = splitOutside({ text: rest, separator: ',' }).flatMap((leg) =>
    splitOutside({ text: leg, separator: '|' }),
  );
  const first = (legs[0] ?? '').trim();
  return { variables, target: parseEndpoint(first), ignoredLegs: Math.max(0, legs.length - 1) };
}

function parseEndpoint(endpoint: string): DialTarget {
  const [tech, ...restParts] = endpoint.split('/');
  const rest = restParts.join('/');
  switch ((tech ?? '').toLowerCase()) {
    case 'user': {
      const at = rest.indexOf('@');
      return at < 0
        ? { kind: 'user', extension: rest, domain: undefined }
        : { kind: 'user', extension: rest.slice(0, at), domain: rest.slice(at + 1) };
    }
    case 'sofia': {
      const [profile = '', ...path] = rest.split('/');
      if (profile === 'gateway') {
        const [gateway = '', ...numberParts] = path;
        return { kind: 'gateway', gateway, number: numberParts.join('/') };
      }
      const target = path.join('/');
      const at = target.indexOf('@');
      return {
        kind: 'sofia',
        profile,
        user: at < 0 ? target : target.slice(0, at),
        host: at < 0 ? '' : target.slice(at + 1),
      };
    }
    case 'error':
      return { kind: 'error', cause: rest.toUpperCase() };
    default:
      return { kind: 'unsupported', endpoint };
  }
}

export type OriginateArguments = {
  readonly dialString: string;
  /** `&app(args)`: what the answered leg runs. */
  readonly application: { readonly name: string; readonly data: string } | undefined;
  /** Otherwise: the extension it is sent to. */
  readonly extension: string | undefined;
  readonly dialplan: string;
  readonly context: string;
  readonly callerIdName: string | undefined;
  readonly callerIdNumber: string | undefined;
  readonly timeoutSec: number | undefined;
};

/** The argument string of `originate`; undefined when the mandatory two arguments are missing. */
export function parseOriginateArguments(options: { text: string }): OriginateArguments | undefined {
  const words = splitOutside({ text: options.text.trim(), separator: ' ' }).filter((w) => w !== '');
  const [dialString, target, dialplan, context, cidName, cidNumber, timeout] = words;
  if (dialString === undefined || target === undefined) return undefined;
  let application: OriginateArguments['application'];
  let extension: string | undefined;
  if (target.startsWith('&')) {
    const app = target.slice(1);
    const paren = app.indexOf('(');
    if (paren >= 0) {
      const close = app.lastIndexOf(')');
      application = {
        name: app.slice(0, paren),
        data: app.slice(paren + 1, close > paren ? close : undefined),
      };
    } else {
      const colon = app.indexOf(':');
      application =
        colon >= 0 ? { name: app.slice(0, colon), data: app.slice(colon + 1) } : { name: app, data: '' };
    }
  } else {
    extension = target;
  }
  const timeoutSec = timeout === undefined ? undefined : Number.parseInt(timeout, 10);
  return {
    dialString,
    application,
    extension,
    dialplan: dialplan ?? 'XML',
    context: context ?? 'default',
    callerIdName: cidName !== undefined && cidName !== 'undef' ? unquote(cidName) : undefined,
    callerIdNumber: cidNumber !== undefined && cidNumber !== 'undef' ? unquote(cidNumber) : undefined,
    timeoutSec:
      timeoutSec !== undefined && Number.isFinite(timeoutSec) && timeoutSec > 0 ? timeoutSec : undefined,
  };
}

/**
 * `switch_separate_string()` on spaces, as mod_callcenter splits its API arguments: single or double quotes
 * group words (and are removed); past `max` pieces the last one keeps the rest of the line.
 */
export function separateString(options: { text: string; max: number }): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  const text = options.text;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (out.length === options.max - 1) {
      const remainder = text.slice(i).trim();
      if (remainder !== '' || inWord) out.push(unquote(current + remainder));
      return out;
    }
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else current += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
      continue;
    }
    if (c === ' ') {
      if (inWord) {
        out.push(current);
        current = '';
        inWord = false;
      }
      continue;
    }
    current += c;
    inWord = true;
  }
  if (inWord) out.push(current);
  return out;
}
