import { expect, test } from 'vitest';
import { checkRenderedConfig } from './check';
import { parseProvisioning, type Provisioning } from './provisioning';
import { renderFreeswitchConfig } from './render';
import { exampleInput, exampleProvisioning, findElements, settingsOf } from './test-support';

const xihu = exampleProvisioning({ county: '330106' });
const xihuFiles = renderFreeswitchConfig({ provisioning: xihu });
const beijing = exampleProvisioning({ county: '110101' });
const beijingFiles = renderFreeswitchConfig({ provisioning: beijing });

function withSeatName(name: string): Provisioning {
  const input = exampleInput({ county: '330106' });
  return parseProvisioning({
    input: { ...input, seats: input.seats.map((seat, i) => (i === 0 ? { ...seat, name } : seat)) },
  });
}

test('renders one file per seat plus the fixed set, sorted by path', () => {
  expect(Object.keys(xihuFiles)).toEqual([
    'autoload_configs/acl.conf.xml',
    'autoload_configs/callcenter.conf.xml',
    'autoload_configs/event_socket.conf.xml',
    'autoload_configs/modules.conf.xml',
    'autoload_configs/sofia.conf.xml',
    'dialplan/default.xml',
    'dialplan/default/seats.xml',
    'dialplan/jiazheng-queues.xml',
    'dialplan/public.xml',
    'dialplan/public/inbound.xml',
    'directory/default.xml',
    'directory/default/1001.xml',
    'directory/default/1002.xml',
    'directory/default/1003.xml',
    'directory/default/1004.xml',
    'sip_profiles/external.xml',
    'sip_profiles/external/carrier.xml',
    'sip_profiles/internal.xml',
    'vars.xml',
  ]);
  expect(Object.keys(beijingFiles).filter((path) => path.startsWith('directory/default/'))).toEqual([
    'directory/default/2001.xml',
    'directory/default/2002.xml',
  ]);
});

test('rendering is deterministic: same input, same bytes', () => {
  const again = renderFreeswitchConfig({ provisioning: exampleProvisioning({ county: '330106' }) });
  expect(again).toEqual(xihuFiles);
  expect(JSON.stringify(again)).toBe(JSON.stringify(xihuFiles));
});

test('both examples pass every check', () => {
  expect(checkRenderedConfig({ files: xihuFiles, provisioning: xihu })).toEqual([]);
  expect(checkRenderedConfig({ files: beijingFiles, provisioning: beijing })).toEqual([]);
});

test('a seat name full of markup is escaped everywhere and reads back unchanged', () => {
  const name = `<script>&"'`;
  const files = renderFreeswitchConfig({ provisioning: withSeatName(name) });
  const seatFile = files['directory/default/1001.xml'] ?? '';
  expect(seatFile).toContain('value="&lt;script&gt;&amp;&quot;&apos;"');
  for (const text of Object.values(files)) expect(text).not.toContain('<script>');
  expect(settingsOf({ text: seatFile, element: 'variable' }).effective_caller_id_name).toBe(name);
  expect(checkRenderedConfig({ files })).toEqual([]);
});

test('passwords with XML metacharacters are escaped too', () => {
  const input = exampleInput({ county: '330106' });
  const eslPassword = `a<b>&c"d'e-16chars!`;
  const files = renderFreeswitchConfig({
    provisioning: parseProvisioning({ input: { ...input, eslPassword } }),
  });
  expect(settingsOf({ text: files['autoload_configs/event_socket.conf.xml'] }).password).toBe(eslPassword);
  expect(checkRenderedConfig({ files })).toEqual([]);
});

test('vars.xml: domain, codecs, recordings and a default_password that is not 1234', () => {
  const vars = findElements({ text: xihuFiles['vars.xml'], name: 'X-PRE-PROCESS' }).map(
    (e) => e.attributes.data,
  );
  expect(vars).toEqual([
    `default_password=${xihu.directoryDefaultPassword}`,
    'domain=330106.jiazheng.local',
    'domain_name=$${domain}',
    'hold_music=local_stream://moh',
    'global_codec_prefs=PCMA,PCMU,G722',
    'outbound_codec_prefs=PCMA,PCMU,G722',
    'recordings_dir=/var/lib/jiazheng/recordings',
    'internal_sip_port=5060',
    'external_sip_port=5080',
    'console_loglevel=info',
    'default_country=CN',
  ]);
  expect(beijingFiles['vars.xml']).toContain('data="global_codec_prefs=PCMA,PCMU,OPUS"');
  expect(beijingFiles['vars.xml']).toContain('data="recordings_dir=/srv/jiazheng/recordings"');
});

test('the event socket listens on loopback unless asked for the LAN, always behind the ACL', () => {
  expect(settingsOf({ text: xihuFiles['autoload_configs/event_socket.conf.xml'] })).toEqual({
    'nat-map': 'false',
    'listen-ip': '127.0.0.1',
    'listen-port': '8021',
    password: xihu.eslPassword,
    'apply-inbound-acl': 'jiazheng-esl',
    'stop-on-bind-error': 'true',
  });
  expect(settingsOf({ text: beijingFiles['autoload_configs/event_socket.conf.xml'] })).toMatchObject({
    'listen-ip': '10.11.0.20',
    'apply-inbound-acl': 'jiazheng-esl',
  });
});

test('ACLs: the event socket for the appliance only, seats from the LAN, calls from the carrier', () => {
  const lists = (text: string | undefined) =>
    Object.fromEntries(
      findElements({ text, name: 'list' }).map((list) => [
        list.attributes.name ?? '',
        [
          list.attributes.default,
          ...list.children.map((node) => `${node.attributes.type} ${node.attributes.cidr}`),
        ],
      ]),
    );
  expect(lists(xihuFiles['autoload_configs/acl.conf.xml'])).toEqual({
    'jiazheng-esl': ['deny', 'allow 127.0.0.0/8', 'allow 192.168.10.2/32'],
    'jiazheng-lan': ['deny', 'allow 192.168.10.0/24'],
    'jiazheng-carrier': ['deny', 'allow 10.200.16.5/32'],
  });
  expect(lists(beijingFiles['autoload_configs/acl.conf.xml'])).toEqual({
    'jiazheng-esl': ['deny', 'allow 127.0.0.0/8', 'allow 10.11.0.20/32'],
    'jiazheng-lan': ['deny', 'allow 10.11.0.0/22'],
    'jiazheng-carrier': ['deny', 'allow 202.106.10.0/28'],
  });
});

test('modules: the call centre and event socket are loaded, and codec modules follow the codecs', () => {
  const loaded = (files: Record<string, string>) =>
    findElements({ text: files['autoload_configs/modules.conf.xml'], name: 'load' }).map(
      (e) => e.attributes.module,
    );
  expect(loaded(xihuFiles)).toEqual([
    'mod_console',
    'mod_logfile',
    'mod_event_socket',
    'mod_sofia',
    'mod_commands',
    'mod_dptools',
    'mod_callcenter',
    'mod_dialplan_xml',
    'mod_sndfile',
    'mod_native_file',
    'mod_local_stream',
    'mod_tone_stream',
    'mod_spandsp',
  ]);
  expect(loaded(beijingFiles).at(-1)).toBe('mod_opus');
  const g711Only = parseProvisioning({
    input: { ...exampleInput({ county: '330106' }), codecs: ['PCMA', 'PCMU'] },
  });
  expect(loaded(renderFreeswitchConfig({ provisioning: g711Only })).at(-1)).toBe('mod_tone_stream');
  const g729 = parseProvisioning({
    input: { ...exampleInput({ county: '330106' }), codecs: ['G729', 'G722', 'PCMA'] },
  });
  expect(loaded(renderFreeswitchConfig({ provisioning: g729 })).slice(-2)).toEqual([
    'mod_g729',
    'mod_spandsp',
  ]);
});

test('callcenter.conf: queues with their settings, one agent per seat, tiers from the seats', () => {
  const text = xihuFiles['autoload_configs/callcenter.conf.xml'];
  const [first, second] = findElements({ text, name: 'queue' });
  expect(first?.attributes.name).toBe('county-330106');
  const secondSettings = Object.fromEntries(
    (second?.children ?? []).map((child) => [child.attributes.name ?? '', child.attributes.value]),
  );
  expect(secondSettings).toMatchObject({
    strategy: 'agent-with-fewest-calls',
    'moh-sound': 'local_stream://moh',
    'max-wait-time': '0',
    'max-wait-time-with-no-agent': '90',
    'discard-abandoned-after': '60',
  });
  expect(findElements({ text, name: 'agent' }).map((agent) => agent.attributes)).toContainEqual({
    name: '1004@330106.jiazheng.local',
    type: 'callback',
    contact: 'user/1004',
    status: 'Available',
    'max-no-answer': '3',
    'wrap-up-time': '20',
    'reject-delay-time': '10',
    'busy-delay-time': '60',
    'no-answer-delay-time': '0',
  });
  expect(
    findElements({ text, name: 'tier' }).map(
      (tier) => `${tier.attributes.queue} ${tier.attributes.agent} ${tier.attributes.position}`,
    ),
  ).toEqual([
    'county-330106 1001@330106.jiazheng.local 1',
    'county-330106 1002@330106.jiazheng.local 2',
    'county-330106 1004@330106.jiazheng.local 3',
    'county-330105 1002@330106.jiazheng.local 1',
    'county-330105 1003@330106.jiazheng.local 2',
  ]);
});

test('the inbound dialplan answers, records, greets, opens the route window, then falls back', () => {
  const text = xihuFiles['dialplan/public/inbound.xml'];
  const extensions = findElements({ text, name: 'extension' });
  expect(extensions.map((extension) => extension.attributes.name)).toEqual([
    'did-057188012345',
    'did-057188012346',
  ]);
  const actions = findElements({ text: text?.split('</extension>')[0], name: 'action' }).map(
    (action) =>
      `${action.attributes.application}${action.attributes.data === undefined ? '' : ` ${action.attributes.data}`}`,
  );
  expect(actions).toEqual([
    'answer',
    'set jz_county=330106',
    'set jz_did=057188012345',
    'set record_sample_rate=8000',
    'record_session $${recordings_dir}/${strftime(%Y-%m-%d)}/${uuid}.wav',
    'set sound_prefix=$${sounds_dir}',
    'playback jiazheng/greeting.wav',
    'sleep 10000',
    'transfer jz-fallback XML jiazheng-queues',
  ]);
  expect(beijingFiles['dialplan/public/inbound.xml']).toContain('<action application="sleep" data="8000"/>');
});

test('a DID matches however the carrier writes it, and nothing else', () => {
  const [condition] = findElements({ text: xihuFiles['dialplan/public/inbound.xml'], name: 'condition' });
  // FreeSWITCH uses PCRE; this expression uses nothing JavaScript reads differently.
  const expression = new RegExp(condition?.attributes.expression ?? '$^');
  for (const form of ['057188012345', '57188012345', '+8657188012345', '8657188012345', '008657188012345']) {
    expect(expression.test(form), form).toBe(true);
  }
  for (const form of ['057188012346', '0571880123456', '1057188012345', '']) {
    expect(expression.test(form), form).toBe(false);
  }
});

test('the fallback queues the caller in the default queue only if no queue has taken the call', () => {
  const text = xihuFiles['dialplan/jiazheng-queues.xml'];
  const fallback = findElements({ text, name: 'extension' }).find((e) => e.attributes.name === 'jz-fallback');
  expect(fallback?.children.map((condition) => condition.attributes)).toEqual([
    { field: 'destination_number', expression: '^jz-fallback$' },
    { field: '${cc_queue}', expression: '^$' },
  ]);
  expect(
    fallback?.children[1]?.children.map(
      (a) => `${a.name} ${a.attributes.application} ${a.attributes.data ?? ''}`,
    ),
  ).toEqual(['action callcenter county-330106', 'action hangup ', 'anti-action hangup ']);
  const queueExtensions = findElements({ text, name: 'extension' }).map((e) => e.attributes.name);
  expect(queueExtensions).toEqual(['queue-county-330106', 'queue-county-330105', 'jz-fallback']);
});

test('seats dial each other, and everything national goes out through the carrier, recorded', () => {
  const text = xihuFiles['dialplan/default/seats.xml'];
  const conditions = findElements({ text, name: 'condition' });
  const matcher = (index: number) => new RegExp(conditions[index]?.attributes.expression ?? '$^');
  expect(matcher(0).test('1003')).toBe(true);
  expect(matcher(0).test('1005')).toBe(false);
  for (const number of [
    '13800138000',
    '057188888888',
    '01065001234',
    '110',
    '120',
    '12345',
    '95588',
    '4008123123',
  ]) {
    expect(matcher(1).test(number), number).toBe(true);
  }
  for (const number of ['1001', '88888888', '12800138000'])
    expect(matcher(1).test(number), number).toBe(false);
  expect(matcher(2).test('88888888')).toBe(true);
  const bridges = findElements({ text, name: 'action' })
    .filter((action) => action.attributes.application === 'bridge')
    .map((action) => action.attributes.data);
  expect(bridges).toEqual(['user/$1@$${domain}', 'sofia/gateway/carrier/$1', 'sofia/gateway/carrier/0571$1']);
  expect(text).toContain('data="effective_caller_id_number=057188012345"');
  expect(
    findElements({ text, name: 'action' }).filter((a) => a.attributes.application === 'record_session'),
  ).toHaveLength(2);
  // Beijing's area code is 010.
  expect(beijingFiles['dialplan/default/seats.xml']).toContain('data="sofia/gateway/carrier/010$1"');
});

test('the carrier gateway is always called carrier and carries the trunk credentials', () => {
  expect(settingsOf({ text: xihuFiles['sip_profiles/external/carrier.xml'] })).toEqual({
    username: '057188012345',
    password: 'tr-9sLq2Wx4Hc',
    realm: '10.200.16.5',
    proxy: '10.200.16.5:5060',
    register: 'true',
    'expire-seconds': '600',
    'retry-seconds': '30',
    ping: '30',
    extension: 'auto_to_user',
    context: 'public',
  });
  expect(settingsOf({ text: beijingFiles['sip_profiles/external/carrier.xml'] })).toMatchObject({
    realm: 'sip.trunk.bj.example.cn',
    register: 'false',
  });
  expect(
    findElements({ text: xihuFiles['sip_profiles/external/carrier.xml'], name: 'gateway' })[0]?.attributes
      .name,
  ).toBe('carrier');
});

test('profiles: seats on the LAN must authenticate; the external profile takes calls from the carrier only', () => {
  const internal = settingsOf({ text: xihuFiles['sip_profiles/internal.xml'] });
  expect(internal).toMatchObject({
    'sip-ip': '192.168.10.2',
    'auth-calls': 'true',
    'sip-port': '$${internal_sip_port}',
  });
  expect(internal).not.toHaveProperty('apply-register-acl');
  expect(internal).not.toHaveProperty('apply-inbound-acl');
  expect(settingsOf({ text: xihuFiles['sip_profiles/external.xml'] })).toMatchObject({
    'auth-calls': 'false',
    'apply-inbound-acl': 'jiazheng-carrier',
    'ext-sip-ip': 'auto-nat',
  });
  const includes = findElements({
    text: xihuFiles['autoload_configs/sofia.conf.xml'],
    name: 'X-PRE-PROCESS',
  });
  expect(includes.map((e) => e.attributes.data)).toEqual([
    '../sip_profiles/internal.xml',
    '../sip_profiles/external.xml',
  ]);
});

test('each seat has its own directory entry, password and LAN-only authentication', () => {
  const seat = xihuFiles['directory/default/1002.xml'];
  expect(settingsOf({ text: seat })).toEqual({ password: 'st-Ln7vR4cY8d', 'auth-acl': 'jiazheng-lan' });
  expect(settingsOf({ text: seat, element: 'variable' })).toEqual({
    user_context: 'default',
    effective_caller_id_name: '李娜',
    effective_caller_id_number: '1002',
    jz_callcenter_agent: '1002@330106.jiazheng.local',
  });
  const included = findElements({ text: xihuFiles['directory/default.xml'], name: 'X-PRE-PROCESS' }).map(
    (e) => e.attributes.data,
  );
  expect(included).toEqual(['default/1001.xml', 'default/1002.xml', 'default/1003.xml', 'default/1004.xml']);
});

test('every file says where it came from, in the county it was rendered for', () => {
  for (const text of Object.values(beijingFiles)) {
    expect(text.startsWith('<!-- Rendered by @jiazheng/firmware-config for 110101 北京市东城区. -->\n')).toBe(
      true,
    );
    expect(text.endsWith('>\n')).toBe(true);
  }
});

test('a hand-built provisioning object is validated again before rendering', () => {
  const tampered: Provisioning = { ...xihu, eslPassword: 'ClueCon' };
  expect(() => renderFreeswitchConfig({ provisioning: tampered })).toThrow(
    /^eslPassword: must be at least 16/,
  );
});
