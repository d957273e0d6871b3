import { formatRegionName, regionAreaCode } from '@jiazheng/sync/domain';
import {
  Codec,
  EslListen,
  findDefaultQueue,
  parseHostPort,
  parseProvisioning,
  SERVICE_NUMBER_PATTERN,
  type Provisioning,
  type Seat,
} from './provisioning';
import { comment, element, renderXml, type XmlElement, type XmlNode } from './xml';

/**
 * Renders a county's FreeSWITCH configuration: the files that replace their namesakes in a stock
 * FreeSWITCH 1.10 `conf/` directory (vanilla). Wrappers include our files by exact name, never by `*.xml`,
 * so demo users, profiles and extensions left over from the stock tree are never loaded.
 */

/** Relative path (always `/`-separated) → file text. */
export type RenderedFiles = Readonly<Record<string, string>>;

/** The names the appliance and the checks rely on. */
export const ESL_PORT = 8021;
export const ESL_ACL = 'jiazheng-esl';
export const LAN_ACL = 'jiazheng-lan';
export const CARRIER_ACL = 'jiazheng-carrier';
/** The gateway is always called this, so the appliance dials `sofia/gateway/carrier/<number>` everywhere. */
export const CARRIER_GATEWAY = 'carrier';
/** The dialplan context holding one extension per queue and the fallback after the route window. */
export const QUEUES_CONTEXT = 'jiazheng-queues';
export const FALLBACK_EXTENSION = 'jz-fallback';
export const RECORDING_PATH = '$${recordings_dir}/${strftime(%Y-%m-%d)}/${uuid}.wav';

const INTERNAL_SIP_PORT = 5060;
const EXTERNAL_SIP_PORT = 5080;

/** Codecs outside FreeSWITCH's core come from a module, which must be loaded for the codec to exist. */
const CODEC_MODULES: Readonly<Record<Codec, string | undefined>> = {
  [Codec.PCMA]: undefined,
  [Codec.PCMU]: undefined,
  [Codec.G722]: 'mod_spandsp',
  [Codec.G729]: 'mod_g729',
  [Codec.OPUS]: 'mod_opus',
};

/** Every module the rendered configuration uses; mod_callcenter is commented out in vanilla. */
const BASE_MODULES: readonly { group: string; modules: readonly string[] }[] = [
  { group: 'Loggers', modules: ['mod_console', 'mod_logfile'] },
  {
    group: 'Event handlers: the appliance controls the switch over the event socket',
    modules: ['mod_event_socket'],
  },
  { group: 'Endpoints', modules: ['mod_sofia'] },
  { group: 'Applications', modules: ['mod_commands', 'mod_dptools', 'mod_callcenter'] },
  { group: 'Dialplan', modules: ['mod_dialplan_xml'] },
  {
    group: 'File formats: WAV prompts and recordings, hold music, tones',
    modules: ['mod_sndfile', 'mod_native_file', 'mod_local_stream', 'mod_tone_stream'],
  },
];

function param(name: string, value: string | number | boolean): XmlElement {
  return element('param', { name, value });
}

function variable(name: string, value: string): XmlElement {
  return element('variable', { name, value });
}

function preSet(name: string, value: string | number): XmlElement {
  return element('X-PRE-PROCESS', { cmd: 'set', data: `${name}=${value}` });
}

function preInclude(path: string): XmlElement {
  return element('X-PRE-PROCESS', { cmd: 'include', data: path });
}

function action(application: string, data?: string): XmlElement {
  return element('action', data === undefined ? { application } : { application, data });
}

function agentName(seat: Seat, provisioning: Provisioning): string {
  return `${seat.extension}@${provisioning.sipDomain}`;
}

function lanAddress(provisioning: Provisioning): string {
  const address = provisioning.lanAddresses[0];
  if (address === undefined) throw new Error('provisioning has no LAN address');
  return address;
}

/** The DID as carriers send it: national (0571…), or international with or without the trunk 0. */
function didExpression(did: string): string {
  const core = did.startsWith('0') ? did.slice(1) : did;
  return `^(?:\\+?86|0086)?0?${core}$`;
}

function renderVars(p: Provisioning): XmlElement {
  const codecs = p.codecs.join(',');
  return element('include', {}, [
    comment(
      'Replaces the stock default_password (1234); every seat has its own password, nothing uses this.',
    ),
    preSet('default_password', p.directoryDefaultPassword),
    preSet('domain', p.sipDomain),
    preSet('domain_name', '$${domain}'),
    preSet('hold_music', 'local_stream://moh'),
    preSet('global_codec_prefs', codecs),
    preSet('outbound_codec_prefs', codecs),
    preSet('recordings_dir', p.recordingsDir),
    preSet('internal_sip_port', INTERNAL_SIP_PORT),
    preSet('external_sip_port', EXTERNAL_SIP_PORT),
    preSet('console_loglevel', 'info'),
    preSet('default_country', 'CN'),
  ]);
}

function renderEventSocket(p: Provisioning): XmlElement {
  const listenIp = p.eslListen === EslListen.lan ? lanAddress(p) : '127.0.0.1';
  return element('configuration', { name: 'event_socket.conf', description: 'Socket Client' }, [
    element('settings', {}, [
      param('nat-map', false),
      param('listen-ip', listenIp),
      param('listen-port', ESL_PORT),
      param('password', p.eslPassword),
      param('apply-inbound-acl', ESL_ACL),
      param('stop-on-bind-error', true),
    ]),
  ]);
}

function renderAcl(p: Provisioning): XmlElement {
  const allow = (cidr: string) => element('node', { type: 'allow', cidr });
  return element('configuration', { name: 'acl.conf', description: 'Network Lists' }, [
    element('network-lists', {}, [
      comment('The event socket: only the appliance itself.'),
      element('list', { name: ESL_ACL, default: 'deny' }, [
        allow('127.0.0.0/8'),
        ...p.lanAddresses.map((address) => allow(`${address}/32`)),
      ]),
      comment('Where seats may authenticate from (each seat has auth-acl set to this list).'),
      element('list', { name: LAN_ACL, default: 'deny' }, p.lanCidrs.map(allow)),
      comment('Who may send calls to the external profile: the carrier only.'),
      element('list', { name: CARRIER_ACL, default: 'deny' }, p.carrier.signallingCidrs.map(allow)),
    ]),
  ]);
}

function renderModules(p: Provisioning): XmlElement {
  const codecModules = [
    ...new Set(
      p.codecs.flatMap((codec) => (CODEC_MODULES[codec] === undefined ? [] : [CODEC_MODULES[codec]])),
    ),
  ];
  const groups = [...BASE_MODULES, { group: 'Codecs (PCMA and PCMU are built in)', modules: codecModules }];
  const children: XmlNode[] = [];
  for (const { group, modules } of groups) {
    if (modules.length === 0) continue;
    children.push(comment(group), ...modules.map((module) => element('load', { module })));
  }
  return element('configuration', { name: 'modules.conf', description: 'Modules' }, [
    element('modules', {}, children),
  ]);
}

function renderCallcenter(p: Provisioning): XmlElement {
  const queues = p.queues.map((queue) =>
    element('queue', { name: queue.name }, [
      param('strategy', queue.strategy),
      param('moh-sound', queue.mohSound),
      param('time-base-score', 'system'),
      param('max-wait-time', queue.maxWaitTimeSeconds),
      param('max-wait-time-with-no-agent', queue.maxWaitTimeWithNoAgentSeconds),
      param('max-wait-time-with-no-agent-time-reached', 5),
      param('tier-rules-apply', false),
      param('tier-rule-wait-second', 300),
      param('tier-rule-wait-multiply-level', true),
      param('tier-rule-no-agent-no-wait', false),
      param('discard-abandoned-after', queue.discardAbandonedAfterSeconds),
      param('abandoned-resume-allowed', false),
    ]),
  );
  const agents = p.seats.map((seat) =>
    element('agent', {
      name: agentName(seat, p),
      type: 'callback',
      contact: `user/${seat.extension}`,
      status: 'Available',
      'max-no-answer': seat.maxNoAnswer,
      'wrap-up-time': seat.wrapUpTimeSeconds,
      'reject-delay-time': 10,
      'busy-delay-time': 60,
      'no-answer-delay-time': 0,
    }),
  );
  // Position follows the order of seats in the file, so sequentially-by-agent-order does what it says.
  const tiers = p.queues.flatMap((queue) =>
    p.seats
      .filter((seat) => seat.queues.includes(queue.name))
      .map((seat, index) =>
        element('tier', { agent: agentName(seat, p), queue: queue.name, level: 1, position: index + 1 }),
      ),
  );
  return element('configuration', { name: 'callcenter.conf', description: 'CallCenter' }, [
    element('settings'),
    element('queues', {}, queues),
    comment("Agents and tiers are written into mod_callcenter's database at every start."),
    element('agents', {}, agents),
    element('tiers', {}, tiers),
  ]);
}

function renderSofia(): XmlElement {
  return element('configuration', { name: 'sofia.conf', description: 'sofia Endpoint' }, [
    element('global_settings', {}, [
      param('log-level', 0),
      param('log-auth-failures', true),
      param('debug-presence', 0),
    ]),
    element('profiles', {}, [
      preInclude('../sip_profiles/internal.xml'),
      preInclude('../sip_profiles/external.xml'),
    ]),
  ]);
}

function commonProfileSettings(): XmlElement[] {
  return [
    param('user-agent-string', 'jiazheng'),
    param('debug', 0),
    param('sip-trace', 'no'),
    param('log-auth-failures', true),
    param('dialplan', 'XML'),
    param('inbound-codec-prefs', '$${global_codec_prefs}'),
    param('inbound-codec-negotiation', 'generous'),
    param('rtp-timer-name', 'soft'),
    param('rfc2833-pt', 101),
    param('dtmf-duration', 2000),
    param('hold-music', '$${hold_music}'),
    param('nonce-ttl', 60),
    param('rtp-timeout-sec', 300),
    param('rtp-hold-timeout-sec', 1800),
    param('local-network-acl', 'localnet.auto'),
  ];
}

function renderInternalProfile(p: Provisioning): XmlElement {
  const ip = lanAddress(p);
  return element('profile', { name: 'internal' }, [
    element('aliases'),
    element('gateways'),
    element('domains', {}, [element('domain', { name: 'all', alias: true, parse: false })]),
    element('settings', {}, [
      ...commonProfileSettings(),
      param('context', 'public'),
      param('sip-ip', ip),
      param('rtp-ip', ip),
      param('sip-port', '$${internal_sip_port}'),
      param('outbound-codec-prefs', '$${global_codec_prefs}'),
      param('record-path', '$${recordings_dir}'),
      param('manage-presence', true),
      param('presence-hosts', '$${domain}'),
      comment(
        `Seats always authenticate; ${LAN_ACL} is each seat's auth-acl. apply-register-acl is not used: ` +
          'an address it allows registers without a password.',
      ),
      param('auth-calls', true),
      param('auth-all-packets', false),
      param('inbound-reg-force-matching-username', true),
      param('challenge-realm', 'auto_from'),
      param('force-register-domain', '$${domain}'),
      param('force-subscription-domain', '$${domain}'),
      param('force-register-db-domain', '$${domain}'),
    ]),
  ]);
}

function renderExternalProfile(p: Provisioning): XmlElement {
  const ip = lanAddress(p);
  return element('profile', { name: 'external' }, [
    element('gateways', {}, [preInclude(`external/${CARRIER_GATEWAY}.xml`)]),
    element('aliases'),
    element('settings', {}, [
      ...commonProfileSettings(),
      param('context', 'public'),
      param('sip-ip', ip),
      param('rtp-ip', ip),
      param('ext-sip-ip', 'auto-nat'),
      param('ext-rtp-ip', 'auto-nat'),
      param('sip-port', '$${external_sip_port}'),
      param('outbound-codec-prefs', '$${outbound_codec_prefs}'),
      param('manage-presence', false),
      comment(
        `Calls are not challenged here, so only the carrier's addresses (${CARRIER_ACL}) may send them.`,
      ),
      param('auth-calls', false),
      param('apply-inbound-acl', CARRIER_ACL),
    ]),
  ]);
}

function renderCarrier(p: Provisioning): XmlElement {
  const { carrier } = p;
  const realm = parseHostPort({ value: carrier.proxy })?.host ?? carrier.proxy;
  return element('include', {}, [
    element('gateway', { name: CARRIER_GATEWAY }, [
      param('username', carrier.username),
      param('password', carrier.password),
      param('realm', realm),
      param('proxy', carrier.proxy),
      param('register', carrier.register),
      param('expire-seconds', 600),
      param('retry-seconds', 30),
      param('ping', 30),
      comment(
        'The dialled DID (the To user) becomes destination_number, so dialplan/public/inbound.xml sees it.',
      ),
      param('extension', 'auto_to_user'),
      param('context', 'public'),
      element('variables', {}, [
        element('variable', { name: 'jz_carrier', value: carrier.name, direction: 'inbound' }),
      ]),
    ]),
  ]);
}

function renderDirectory(p: Provisioning): XmlElement {
  return element('include', {}, [
    element('domain', { name: '$${domain}' }, [
      element('params', {}, [
        param(
          'dial-string',
          '{^^:sip_invite_domain=${dialed_domain}:presence_id=${dialed_user}@${dialed_domain}}' +
            '${sofia_contact(*/${dialed_user}@${dialed_domain})}',
        ),
      ]),
      element('groups', {}, [
        element('group', { name: 'seats' }, [
          element(
            'users',
            {},
            p.seats.map((seat) => preInclude(`default/${seat.extension}.xml`)),
          ),
        ]),
      ]),
    ]),
  ]);
}

function renderSeat(p: Provisioning, seat: Seat): XmlElement {
  return element('include', {}, [
    element('user', { id: seat.extension }, [
      element('params', {}, [param('password', seat.password), param('auth-acl', LAN_ACL)]),
      element('variables', {}, [
        variable('user_context', 'default'),
        variable('effective_caller_id_name', seat.name),
        variable('effective_caller_id_number', seat.extension),
        variable('jz_callcenter_agent', agentName(seat, p)),
      ]),
    ]),
  ]);
}

function renderInbound(p: Provisioning): XmlElement {
  const extensions = p.carrier.dids.map((did) =>
    element('extension', { name: `did-${did}` }, [
      element('condition', { field: 'destination_number', expression: didExpression(did) }, [
        action('answer'),
        action('set', `jz_county=${p.county}`),
        action('set', `jz_did=${did}`),
        action('set', 'record_sample_rate=8000'),
        action('record_session', RECORDING_PATH),
        // Without it, FreeSWITCH looks for a relative prompt under its base folder, not its sounds folder.
        action('set', 'sound_prefix=$${sounds_dir}'),
        action('playback', p.greeting),
        comment(
          'The route window: the appliance now sends the callcenter application with its queue (sendmsg ' +
            'execute), which runs inside this sleep. Not park: park_timeout hangs the caller up, it never returns.',
        ),
        action('sleep', String(p.routeTimeoutSeconds * 1000)),
        action('transfer', `${FALLBACK_EXTENSION} XML ${QUEUES_CONTEXT}`),
      ]),
    ]),
  );
  return element('include', {}, extensions);
}

function renderQueuesContext(p: Provisioning): XmlElement {
  const fallback = findDefaultQueue({ provisioning: p }).name;
  const queueExtensions = p.queues.map((queue) =>
    element('extension', { name: `queue-${queue.name}` }, [
      element('condition', { field: 'destination_number', expression: `^queue-${queue.name}$` }, [
        action('callcenter', queue.name),
        action('hangup'),
      ]),
    ]),
  );
  return element('include', {}, [
    element('context', { name: QUEUES_CONTEXT }, [
      comment('uuid_transfer <uuid> queue-<name> XML jiazheng-queues puts a call in a queue at any time.'),
      ...queueExtensions,
      comment(
        'Reached when the route window ends. cc_queue is set once mod_callcenter has taken the call, so a ' +
          'caller the appliance already routed is not queued twice.',
      ),
      element('extension', { name: FALLBACK_EXTENSION }, [
        element('condition', { field: 'destination_number', expression: `^${FALLBACK_EXTENSION}$` }),
        element('condition', { field: '${cc_queue}', expression: '^$' }, [
          action('callcenter', fallback),
          action('hangup'),
          element('anti-action', { application: 'hangup' }),
        ]),
      ]),
    ]),
  ]);
}

function renderSeatDialplan(p: Provisioning): XmlElement {
  const extensions = p.seats.map((seat) => seat.extension).join('|');
  const outbound = (prefix: string): XmlNode[] => [
    action('set', `effective_caller_id_number=${p.carrier.outboundCallerId}`),
    action('set', 'hangup_after_bridge=true'),
    action('set', `jz_county=${p.county}`),
    action('set', 'record_sample_rate=8000'),
    action('record_session', RECORDING_PATH),
    action('bridge', `sofia/gateway/${CARRIER_GATEWAY}/${prefix}$1`),
  ];
  const areaCode = regionAreaCode({ code: p.county });
  return element('include', {}, [
    element('extension', { name: 'seat-to-seat' }, [
      element('condition', { field: 'destination_number', expression: `^(${extensions})$` }, [
        action('set', 'call_timeout=30'),
        action('set', 'hangup_after_bridge=true'),
        action('bridge', 'user/$1@$${domain}'),
      ]),
    ]),
    comment('Return visits and other calls out: mobiles, fixed lines with area code, public services.'),
    element('extension', { name: 'return-visit' }, [
      element(
        'condition',
        {
          field: 'destination_number',
          expression: `^(1[3-9][0-9]{9}|0[1-9][0-9]{9,10}|${SERVICE_NUMBER_PATTERN})$`,
        },
        outbound(''),
      ),
    ]),
    ...(areaCode === undefined
      ? []
      : [
          comment(`Local numbers dialled without the area code get ${areaCode}.`),
          element('extension', { name: 'return-visit-local' }, [
            element(
              'condition',
              { field: 'destination_number', expression: '^([2-9][0-9]{6,7})$' },
              outbound(areaCode),
            ),
          ]),
        ]),
  ]);
}

function contextWrapper(name: string, includes: readonly string[]): XmlElement {
  return element('include', {}, [element('context', { name }, includes.map(preInclude))]);
}

/**
 * Renders every file for one county. Deterministic: the same provisioning gives the same bytes. The
 * provisioning is validated again, so a hand-built object cannot smuggle an unescaped value through.
 */
export function renderFreeswitchConfig(options: { provisioning: Provisioning }): RenderedFiles {
  const p = parseProvisioning({ input: options.provisioning });
  const header = [
    `Rendered by @jiazheng/firmware-config for ${p.county} ${formatRegionName({ code: p.county })}.`,
    'Do not edit: change the provisioning file and render again.',
  ];
  const files = new Map<string, XmlElement>([
    ['vars.xml', renderVars(p)],
    ['autoload_configs/event_socket.conf.xml', renderEventSocket(p)],
    ['autoload_configs/acl.conf.xml', renderAcl(p)],
    ['autoload_configs/modules.conf.xml', renderModules(p)],
    ['autoload_configs/callcenter.conf.xml', renderCallcenter(p)],
    ['autoload_configs/sofia.conf.xml', renderSofia()],
    ['sip_profiles/internal.xml', renderInternalProfile(p)],
    ['sip_profiles/external.xml', renderExternalProfile(p)],
    [`sip_profiles/external/${CARRIER_GATEWAY}.xml`, renderCarrier(p)],
    ['directory/default.xml', renderDirectory(p)],
    ['dialplan/public.xml', contextWrapper('public', ['public/inbound.xml'])],
    ['dialplan/public/inbound.xml', renderInbound(p)],
    ['dialplan/default.xml', contextWrapper('default', ['default/seats.xml'])],
    ['dialplan/default/seats.xml', renderSeatDialplan(p)],
    [`dialplan/${QUEUES_CONTEXT}.xml`, renderQueuesContext(p)],
  ]);
  for (const seat of p.seats) files.set(`directory/default/${seat.extension}.xml`, renderSeat(p, seat));

  const rendered: Record<string, string> = {};
  for (const path of [...files.keys()].sort()) {
    const root = files.get(path);
    if (root !== undefined) rendered[path] = renderXml({ root, leadingComments: header });
  }
  return rendered;
}
