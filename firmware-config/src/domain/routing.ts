import { findDefaultQueue, type Provisioning } from './provisioning';

/**
 * Which queue an inbound call joins. The appliance calls this for every call while the caller waits in the
 * route window, so the rules are compiled once per provisioning into a digit trie: a lookup walks the
 * caller's digits once, however many rules there are.
 */

export const RouteReasonKind = {
  /** The caller's address (from earlier orders) is in a county that a queue serves. */
  knownCounty: 'known-county',
  /** A routing rule with `areaCode` matched a fixed-line number. */
  areaCode: 'area-code',
  /** A routing rule with `prefix` matched the start of the number. */
  prefix: 'prefix',
  /** Nothing matched: the default queue. */
  default: 'default',
} as const;
export type RouteReasonKind = (typeof RouteReasonKind)[keyof typeof RouteReasonKind];

export type RouteReason =
  | { kind: typeof RouteReasonKind.knownCounty; countyCode: string }
  | { kind: typeof RouteReasonKind.areaCode; ruleIndex: number; areaCode: string }
  | { kind: typeof RouteReasonKind.prefix; ruleIndex: number; prefix: string }
  | { kind: typeof RouteReasonKind.default };

export type RouteDecision = { queue: string; reason: RouteReason };

/** Subscriber numbers behind an area code are 7 or 8 digits; anything else is not a fixed line. */
const FIXED_LINE_SUBSCRIBER_DIGITS = [7, 8];

/** Caller IDs are attacker-controlled; a real national number is far shorter than this. */
const MAX_CALLER_NUMBER_LENGTH = 24;

type TrieNode = {
  next: (TrieNode | undefined)[];
  /** The earliest prefix rule ending at this node. */
  prefixRule?: number;
  /** The earliest area-code rule ending at this node. */
  areaCodeRule?: number;
};

type Router = {
  root: TrieNode;
  byCounty: ReadonlyMap<string, string>;
  defaultQueue: string;
  rules: Provisioning['routing'];
};

function newNode(): TrieNode {
  return { next: new Array<TrieNode | undefined>(10) };
}

function compile(provisioning: Provisioning): Router {
  const root = newNode();
  provisioning.routing.forEach((rule, index) => {
    const digits = rule.prefix ?? rule.areaCode ?? '';
    let node = root;
    for (let i = 0; i < digits.length; i++) {
      const digit = digits.charCodeAt(i) - 48;
      let child = node.next[digit];
      if (child === undefined) {
        child = newNode();
        node.next[digit] = child;
      }
      node = child;
    }
    // Rules are tried in order, so only the first rule for the same digits can ever win.
    if (rule.prefix !== undefined) node.prefixRule ??= index;
    else node.areaCodeRule ??= index;
  });
  const byCounty = new Map<string, string>();
  for (const queue of provisioning.queues) {
    if (!byCounty.has(queue.countyCode)) byCounty.set(queue.countyCode, queue.name);
  }
  return {
    root,
    byCounty,
    defaultQueue: findDefaultQueue({ provisioning }).name,
    rules: provisioning.routing,
  };
}

// Keyed by the provisioning object itself: parsed once at start-up, it stays the same object for the
// appliance's lifetime, and a re-provisioned appliance gets a new object (and a new router).
const routers = new WeakMap<Provisioning, Router>();

function routerFor(provisioning: Provisioning): Router {
  let router = routers.get(provisioning);
  if (router === undefined) {
    router = compile(provisioning);
    routers.set(provisioning, router);
  }
  return router;
}

/**
 * Caller IDs arrive as national numbers (what `normalisePhone` returns as `national`); `+86…` and `0086…`
 * are turned into that form here so a raw caller ID from the carrier still routes. Anything that is not a
 * number gives undefined, and the call goes to the default queue.
 */
function toNationalDigits(callerNumber: string): string | undefined {
  if (callerNumber.length === 0 || callerNumber.length > MAX_CALLER_NUMBER_LENGTH) return undefined;
  const international = /^(?:\+86|0086)/.exec(callerNumber)?.[0];
  let digits = international === undefined ? callerNumber : callerNumber.slice(international.length);
  if (!/^\d+$/.test(digits)) return undefined;
  // The international form drops the trunk 0 of fixed lines; mobiles (1…) never had one.
  if (international !== undefined && !digits.startsWith('1')) digits = `0${digits}`;
  return digits;
}

function ruleReason(router: Router, index: number): RouteReason {
  const rule = router.rules[index];
  if (rule?.prefix !== undefined)
    return { kind: RouteReasonKind.prefix, ruleIndex: index, prefix: rule.prefix };
  return { kind: RouteReasonKind.areaCode, ruleIndex: index, areaCode: rule?.areaCode ?? '' };
}

/**
 * The queue for an inbound call, and why. In order: the caller's known county when some queue serves it;
 * then the routing rules in file order (`areaCode` matches fixed-line numbers that start with it, `prefix`
 * the start of any number); then the default queue. Never throws on a strange caller ID: the call still
 * has to go somewhere.
 */
export function routeCall(options: {
  provisioning: Provisioning;
  /** National format: `057188888888` (fixed line with area code) or `13800138000` (mobile). */
  callerNumber: string;
  /** The county of the caller's known address, when the appliance has one on record. */
  knownCountyCode?: string | undefined;
}): RouteDecision {
  const router = routerFor(options.provisioning);

  if (options.knownCountyCode !== undefined) {
    const queue = router.byCounty.get(options.knownCountyCode);
    if (queue !== undefined) {
      return { queue, reason: { kind: RouteReasonKind.knownCounty, countyCode: options.knownCountyCode } };
    }
  }

  const digits =
    typeof options.callerNumber === 'string' ? toNationalDigits(options.callerNumber) : undefined;
  if (digits !== undefined) {
    let best: number | undefined;
    let node: TrieNode | undefined = router.root;
    for (let depth = 0; node !== undefined; depth++) {
      if (node.prefixRule !== undefined && (best === undefined || node.prefixRule < best))
        best = node.prefixRule;
      if (
        node.areaCodeRule !== undefined &&
        (best === undefined || node.areaCodeRule < best) &&
        FIXED_LINE_SUBSCRIBER_DIGITS.includes(digits.length - depth)
      ) {
        best = node.areaCodeRule;
      }
      if (depth === digits.length) break;
      node = node.next[digits.charCodeAt(depth) - 48];
    }
    if (best !== undefined) {
      const queue = router.rules[best]?.queue;
      if (queue !== undefined) return { queue, reason: ruleReason(router, best) };
    }
  }

  return { queue: router.defaultQueue, reason: { kind: RouteReasonKind.default } };
}
