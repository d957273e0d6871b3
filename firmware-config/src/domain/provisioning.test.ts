import { DomainError } from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import { findDefaultQueue, listProvisioningIssues, parseProvisioning, parseHostPort } from './provisioning';
import { exampleInput, exampleProvisioning } from './test-support';

/** The issues of `input`, as `path: message` lines, for compact assertions. */
function issuesOf(input: unknown): string[] {
  return listProvisioningIssues({ input }).map((issue) => `${issue.path}: ${issue.message}`);
}

test('both shipped examples are valid', () => {
  expect(issuesOf(exampleInput({ county: '330106' }))).toEqual([]);
  expect(issuesOf(exampleInput({ county: '110101' }))).toEqual([]);
});

test('defaults are filled in, some of them derived from other fields', () => {
  const xihu = exampleProvisioning({ county: '330106' });
  expect(xihu.sipDomain).toBe('330106.jiazheng.local');
  expect(xihu.codecs).toEqual(['PCMA', 'PCMU', 'G722']);
  expect(xihu.eslListen).toBe('loopback');
  expect(xihu.recordingsDir).toBe('/var/lib/jiazheng/recordings');
  expect(xihu.greeting).toBe('jiazheng/greeting.wav');
  expect(xihu.routeTimeoutSeconds).toBe(10);
  expect(xihu.carrier.register).toBe(true);
  // The proxy is an address, so the carrier ACL is that address; the caller ID is the first DID.
  expect(xihu.carrier.signallingCidrs).toEqual(['10.200.16.5/32']);
  expect(xihu.carrier.outboundCallerId).toBe('057188012345');
  const [first, second] = xihu.queues;
  expect(first).toMatchObject({
    strategy: 'longest-idle-agent',
    maxWaitTimeSeconds: 0,
    maxWaitTimeWithNoAgentSeconds: 120,
    discardAbandonedAfterSeconds: 60,
    mohSound: 'local_stream://moh',
  });
  expect(second).toMatchObject({
    strategy: 'agent-with-fewest-calls',
    maxWaitTimeWithNoAgentSeconds: 90,
    default: false,
  });
  expect(xihu.seats[0]).toMatchObject({ wrapUpTimeSeconds: 10, maxNoAnswer: 3 });
  expect(xihu.seats[3]?.wrapUpTimeSeconds).toBe(20);

  const beijing = exampleProvisioning({ county: '110101' });
  expect(beijing.recordingsDir).toBe('/srv/jiazheng/recordings');
  expect(beijing.carrier.signallingCidrs).toEqual(['202.106.10.0/28']);
  expect(beijing.routing).toEqual([]);
});

test("a parsed provisioning cannot be changed behind the router's back", () => {
  const xihu = exampleProvisioning({ county: '330106' });
  expect(Object.isFrozen(xihu)).toBe(true);
  expect(Object.isFrozen(xihu.routing[0])).toBe(true);
  expect(() => {
    (xihu.queues as unknown[]).push({});
  }).toThrow(TypeError);
});

test('unknown fields are errors, named by their own path', () => {
  const input = exampleInput({ county: '330106' });
  const seats: Record<string, unknown>[] = input.seats;
  seats[1] = { ...seats[1], pasword: 'typo-in-the-key' };
  expect(issuesOf({ ...input, colour: 'blue' })).toEqual([
    'seats.1.pasword: is not a known field',
    'colour: is not a known field',
  ]);
});

test('a shared seat password default is refused with the reason', () => {
  const input = { ...exampleInput({ county: '330106' }), seatPasswordDefault: 'Shared-Pass-2024' };
  expect(issuesOf(input)).toEqual([
    'seatPasswordDefault: is not allowed: every seat has its own password (seats.N.password)',
  ]);
});

test('the event socket password must be long and not a default', () => {
  const base = exampleInput({ county: '330106' });
  expect(issuesOf({ ...base, eslPassword: 'ClueCon' })).toEqual([
    'eslPassword: must be at least 16 characters',
    'eslPassword: is a well-known default password',
    'eslPassword: must not contain ClueCon (the FreeSWITCH default)',
  ]);
  expect(issuesOf({ ...base, eslPassword: 'my-CLUECON-password-1' })).toEqual([
    'eslPassword: must not contain ClueCon (the FreeSWITCH default)',
  ]);
  expect(issuesOf({ ...base, eslPassword: 'aaaaaaaaaaaaaaaaaaaa' })).toEqual([
    'eslPassword: is too repetitive to be a password',
  ]);
  expect(issuesOf({ ...base, eslPassword: 'has a space in it 12345' })).toEqual([
    'eslPassword: must be printable ASCII without spaces',
  ]);
  const { eslPassword: _dropped, ...withoutPassword } = base;
  expect(issuesOf(withoutPassword)).toEqual([
    'eslPassword: Invalid input: expected string, received undefined',
  ]);
});

test('the directory default password is required and must differ from the ESL password', () => {
  const base = exampleInput({ county: '330106' });
  expect(issuesOf({ ...base, directoryDefaultPassword: '1234' })).toEqual([
    'directoryDefaultPassword: must be at least 16 characters',
    'directoryDefaultPassword: is a well-known default password',
  ]);
  expect(issuesOf({ ...base, directoryDefaultPassword: base.eslPassword })).toEqual([
    'directoryDefaultPassword: must differ from eslPassword',
  ]);
});

test('county codes are checked against GB/T 2260, with the region named', () => {
  const base = exampleInput({ county: '330106' });
  expect(issuesOf({ ...base, county: '330100' })).toEqual([
    'county: 330100 (浙江省杭州市) is a city, not a county',
  ]);
  expect(issuesOf({ ...base, county: '33010' })).toEqual([
    'county: must be a six-digit GB/T 2260 region code',
  ]);
  const queues = base.queues.map((queue, index) =>
    index === 1 ? { ...queue, countyCode: '339999' } : queue,
  );
  expect(issuesOf({ ...base, queues })).toEqual(['queues.1.countyCode: no region has code 339999']);
});

test('seat passwords: long enough, not a default, not the extension, not shared', () => {
  const base = exampleInput({ county: '330106' });
  const withSeat = (index: number, patch: Record<string, unknown>) => ({
    ...base,
    seats: base.seats.map((seat, i) => (i === index ? { ...seat, ...patch } : seat)),
  });
  expect(issuesOf(withSeat(0, { password: '1234' }))).toEqual([
    'seats.0.password: must be at least 10 characters',
    'seats.0.password: is a well-known default password',
  ]);
  expect(issuesOf(withSeat(0, { password: 'x1001y1001z' }))).toEqual([
    'seats.0.password: must not contain the extension number',
  ]);
  expect(issuesOf(withSeat(2, { password: base.seats[0]?.password }))).toEqual([
    'seats.2.password: is the same as seats.0.password; every seat needs its own',
  ]);
  expect(issuesOf(withSeat(1, { password: base.eslPassword }))).toEqual([
    'seats.1.password: must differ from eslPassword and directoryDefaultPassword',
  ]);
});

test('extensions are 3–6 digits, unique, and never an emergency or service number', () => {
  const base = exampleInput({ county: '330106' });
  const withExtension = (index: number, extension: string) => ({
    ...base,
    seats: base.seats.map((seat, i) => (i === index ? { ...seat, extension } : seat)),
  });
  expect(issuesOf(withExtension(1, '1001'))).toEqual(['seats.1.extension: duplicates seats.0.extension']);
  expect(issuesOf(withExtension(0, '12'))).toEqual(['seats.0.extension: must be 3–6 digits, e.g. 1001']);
  for (const number of ['110', '119', '120', '12345', '95588']) {
    expect(issuesOf(withExtension(0, number))).toEqual([
      `seats.0.extension: ${number} is an emergency or public service number; seats must be able to dial it`,
    ]);
  }
});

test('queues referenced by seats and routing rules must exist', () => {
  const base = exampleInput({ county: '330106' });
  const seats = base.seats.map((seat, i) =>
    i === 1 ? { ...seat, queues: ['county-330106', 'county-999'] } : seat,
  );
  const routing = [...base.routing, { prefix: '0575', queue: 'nowhere' }];
  expect(issuesOf({ ...base, seats, routing })).toEqual([
    'seats.1.queues.1: no queue is named county-999',
    'routing.3.queue: no queue is named nowhere',
  ]);
});

test('queue names are unique and at most one queue is the default', () => {
  const base = exampleInput({ county: '330106' });
  const second = { name: 'county-330106', countyCode: '330105', default: true };
  expect(issuesOf({ ...base, queues: [...base.queues, second] })).toEqual([
    'queues.2.name: duplicates queues.0.name',
    'queues.2.default: only one queue may be the default (queues.0 already is)',
  ]);
  expect(issuesOf({ ...base, queues: [{ ...second, name: 'County 1' }] })).toEqual([
    'queues.0.name: must be lower-case letters, digits and "-", e.g. county-330106',
    // The seats still name the queues that were removed.
    'seats.0.queues.0: no queue is named county-330106',
    'seats.1.queues.0: no queue is named county-330106',
    'seats.1.queues.1: no queue is named county-330105',
    'seats.2.queues.0: no queue is named county-330105',
    'seats.3.queues.0: no queue is named county-330106',
    'routing.0.queue: no queue is named county-330105',
    'routing.1.queue: no queue is named county-330105',
    'routing.2.queue: no queue is named county-330106',
  ]);
  expect(
    issuesOf({ ...base, queues: [{ ...base.queues[0], strategy: 'fastest-agent' }, base.queues[1]] }),
  ).toEqual([
    'queues.0.strategy: must be one of ring-all, longest-idle-agent, round-robin, top-down, agent-with-least-talk-time, agent-with-fewest-calls, sequentially-by-agent-order, random, ring-progressively',
  ]);
});

test('a routing rule has exactly one of areaCode or prefix, and can be reached', () => {
  const base = exampleInput({ county: '330106' });
  const withRules = (routing: unknown[]) => issuesOf({ ...base, routing });
  expect(withRules([{ areaCode: '0571', prefix: '138', queue: 'county-330105' }])).toEqual([
    'routing.0: give exactly one of areaCode or prefix',
  ]);
  expect(withRules([{ queue: 'county-330105' }])).toEqual([
    'routing.0: give exactly one of areaCode or prefix',
  ]);
  expect(withRules([{ areaCode: '12345', queue: 'county-330105' }])).toEqual([
    'routing.0.areaCode: must be a mainland area code such as 0571 or 010',
  ]);
  expect(
    withRules([
      { prefix: '0571', queue: 'county-330105' },
      { areaCode: '0571', queue: 'county-330106' },
      { prefix: '05718', queue: 'county-330106' },
      { areaCode: '0572', queue: 'county-330106' },
    ]),
  ).toEqual([
    'routing.1: can never match: routing.0 already takes every number it would',
    'routing.2: can never match: routing.0 already takes every number it would',
  ]);
  // An area code without its trunk 0 is written the usual way.
  const parsed = parseProvisioning({
    input: { ...base, routing: [{ areaCode: '572', queue: 'county-330105' }] },
  });
  expect(parsed.routing[0]?.areaCode).toBe('0572');
});

test('carrier: DIDs unique; a proxy given by name needs the signalling networks', () => {
  const base = exampleInput({ county: '330106' });
  const carrier = { ...base.carrier, dids: ['057188012345', '057188012345'] };
  expect(issuesOf({ ...base, carrier })).toEqual(['carrier.dids.1: duplicates carrier.dids.0']);
  expect(issuesOf({ ...base, carrier: { ...base.carrier, proxy: 'sip.carrier.example.cn:5060' } })).toEqual([
    'carrier.signallingCidrs: is required when carrier.proxy is a name (sip.carrier.example.cn): an ACL can only list addresses',
  ]);
  expect(issuesOf({ ...base, carrier: { ...base.carrier, proxy: 'sip carrier' } })).toEqual([
    'carrier.proxy: must be host or host:port, e.g. 10.20.30.40:5060 or sip.carrier.example.cn',
  ]);
  expect(issuesOf({ ...base, carrier: { ...base.carrier, proxy: '10.0.0.1:70000' } })).toEqual([
    'carrier.proxy: must be host or host:port, e.g. 10.20.30.40:5060 or sip.carrier.example.cn',
  ]);
});

test('free text cannot carry FreeSWITCH variables or control characters', () => {
  const base = exampleInput({ county: '330106' });
  const withName = (name: string) => ({
    ...base,
    seats: base.seats.map((seat, i) => (i === 0 ? { ...seat, name } : seat)),
  });
  expect(issuesOf(withName('王芳 $${default_password}'))).toEqual([
    "seats.0.name: must not contain '${' (FreeSWITCH would expand it as a variable)",
  ]);
  expect(issuesOf(withName('王芳\n1002'))).toEqual([
    'seats.0.name: must not contain line breaks, tabs or other control characters',
  ]);
  // Markup is fine here: the renderer escapes it.
  expect(issuesOf(withName(`<script>&"'`))).toEqual([]);
});

test('networks and addresses are checked, and the LAN list cannot be the internet', () => {
  const base = exampleInput({ county: '330106' });
  expect(
    issuesOf({
      ...base,
      lanAddresses: ['192.168.10.256'],
      lanCidrs: ['0.0.0.0/0', '192.168.10.0', '10.0.0.0/33'],
    }),
  ).toEqual([
    'lanAddresses.0: must be an IPv4 address such as 192.168.10.2',
    'lanCidrs.0: must not be wider than /8 (a wider list would let most of the internet in)',
    'lanCidrs.1: must be an IPv4 network such as 192.168.10.0/24',
    'lanCidrs.2: must have a prefix length from 0 to 32',
  ]);
  expect(issuesOf({ ...base, lanAddresses: [] })).toEqual(['lanAddresses: must list at least one address']);
  expect(issuesOf({ ...base, hostname: 'jz_330106' })).toEqual([
    'hostname: must be a host name such as jz-330106 or jz-330106.lan (letters, digits, "-" and ".")',
  ]);
  expect(issuesOf({ ...base, recordingsDir: 'recordings' })).toEqual([
    'recordingsDir: must be an absolute path such as /var/lib/jiazheng/recordings',
  ]);
  expect(issuesOf({ ...base, greeting: '../../etc/passwd' })).toEqual(['greeting: must not contain ".."']);
});

test('parseProvisioning throws a DomainError naming the first field and listing every problem', () => {
  const input = { ...exampleInput({ county: '330106' }), county: '330100', eslPassword: 'short' };
  try {
    parseProvisioning({ input });
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_input', field: 'county' });
    expect((error as DomainError).message).toBe(
      'county: 330100 (浙江省杭州市) is a city, not a county\neslPassword: must be at least 16 characters',
    );
  }
  expect(() => parseProvisioning({ input: 'not an object' })).toThrow(
    'provisioning: Invalid input: expected object, received string',
  );
});

test('the default queue is the one marked default, else the first', () => {
  const xihu = exampleProvisioning({ county: '330106' });
  expect(findDefaultQueue({ provisioning: xihu }).name).toBe('county-330106');
  const base = exampleInput({ county: '330106' });
  const swapped = parseProvisioning({
    input: { ...base, queues: [base.queues[1], { ...base.queues[0], default: false }] },
  });
  expect(findDefaultQueue({ provisioning: swapped }).name).toBe('county-330105');
  const marked = parseProvisioning({
    input: {
      ...base,
      queues: [
        { ...base.queues[0], default: false },
        { ...base.queues[1], default: true },
      ],
    },
  });
  expect(findDefaultQueue({ provisioning: marked }).name).toBe('county-330105');
});

test('host:port parsing', () => {
  expect(parseHostPort({ value: 'sip.example.cn' })).toEqual({ host: 'sip.example.cn' });
  expect(parseHostPort({ value: '10.0.0.1:5080' })).toEqual({ host: '10.0.0.1', port: 5080 });
  expect(parseHostPort({ value: '10.0.0.1:0' })).toBeUndefined();
  expect(parseHostPort({ value: '-bad-.example' })).toBeUndefined();
});
