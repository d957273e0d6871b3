import { expect, test } from 'vitest';
import { checkRenderedConfig, CheckProblemCode, type CheckProblem } from './check';
import { renderFreeswitchConfig, type RenderedFiles } from './render';
import { exampleProvisioning } from './test-support';

const provisioning = exampleProvisioning({ county: '330106' });
const pristine = renderFreeswitchConfig({ provisioning });

/** The rendered example with `from` replaced by `to` in one file; fails if `from` is not there. */
function broken(path: string, from: string | RegExp, to: string): RenderedFiles {
  const text = pristine[path];
  expect(text, path).toBeDefined();
  // A function, so `$$` in `to` stays `$$` instead of being read as a replacement pattern.
  const changed = (text ?? '').replace(from, () => to);
  expect(changed, `${path}: nothing replaced`).not.toBe(text);
  return { ...pristine, [path]: changed };
}

function without(path: string): RenderedFiles {
  expect(pristine[path], path).toBeDefined();
  return Object.fromEntries(Object.entries(pristine).filter(([key]) => key !== path));
}

function problems(files: RenderedFiles): CheckProblem[] {
  return checkRenderedConfig({ files, provisioning });
}

test('the rendered example has no problems', () => {
  expect(problems(pristine)).toEqual([]);
});

test('a file that is not well-formed XML is reported with its position', () => {
  const files = broken('directory/default/1002.xml', '</variables>', '</variable>');
  expect(problems(files)).toContainEqual({
    code: CheckProblemCode.malformedXml,
    file: 'directory/default/1002.xml',
    message: expect.stringMatching(/^not well-formed XML \(line \d+, column \d+\): /) as string,
  });
  const unescaped = broken('directory/default/1004.xml', '&amp;', '&');
  expect(problems(unescaped).map((problem) => `${problem.code} ${problem.file}`)).toContain(
    'malformed-xml directory/default/1004.xml',
  );
  const twoRoots = { ...pristine, 'vars.xml': `${pristine['vars.xml'] ?? ''}<include/>\n` };
  expect(problems(twoRoots)).toContainEqual({
    code: CheckProblemCode.malformedXml,
    file: 'vars.xml',
    message: 'has 2 root elements instead of one',
  });
});

test('a missing required file is reported', () => {
  expect(problems(without('autoload_configs/event_socket.conf.xml'))).toEqual([
    {
      code: CheckProblemCode.missingFile,
      file: 'autoload_configs/event_socket.conf.xml',
      message: 'is missing',
    },
  ]);
});

test('the event socket needs a password and an inbound ACL that exists', () => {
  const path = 'autoload_configs/event_socket.conf.xml';
  expect(problems(broken(path, /\s*<param name="password" value="[^"]*"\/>/, ''))).toEqual([
    { code: CheckProblemCode.missingSetting, file: path, message: 'has no event socket password' },
  ]);
  expect(problems(broken(path, /\s*<param name="apply-inbound-acl" value="[^"]*"\/>/, ''))).toEqual([
    {
      code: CheckProblemCode.missingSetting,
      file: path,
      message: 'has no apply-inbound-acl: the event socket must only accept the appliance',
    },
  ]);
  const renamed = broken(path, 'value="jiazheng-esl"', 'value="jiazheng-everyone"');
  expect(problems(renamed)).toContainEqual({
    code: CheckProblemCode.unknownReference,
    file: path,
    message: 'apply-inbound-acl names jiazheng-everyone, which no list defines',
  });
});

test('mod_callcenter and mod_event_socket must be loaded', () => {
  const path = 'autoload_configs/modules.conf.xml';
  expect(
    problems(broken(path, '<load module="mod_callcenter"/>', '<!-- <load module="mod_callcenter"/> -->')),
  ).toEqual([{ code: CheckProblemCode.missingSetting, file: path, message: 'does not load mod_callcenter' }]);
  expect(problems(broken(path, '<load module="mod_event_socket"/>', ''))).toEqual([
    { code: CheckProblemCode.missingSetting, file: path, message: 'does not load mod_event_socket' },
  ]);
});

test('every inbound extension must record the call', () => {
  const path = 'dialplan/public/inbound.xml';
  const files = broken(path, /<action application="record_session"[^>]*\/>/, '');
  expect(problems(files)).toEqual([
    {
      code: CheckProblemCode.missingSetting,
      file: path,
      message: 'extension did-057188012345 does not record_session',
    },
  ]);
});

test('every queue must be in callcenter.conf, and everything that names a queue must find it', () => {
  const path = 'autoload_configs/callcenter.conf.xml';
  const files = broken(path, /<queue name="county-330105">[\s\S]*?<\/queue>/, '');
  expect(problems(files)).toEqual([
    { code: CheckProblemCode.missingSetting, file: path, message: 'does not define queue county-330105' },
    {
      code: CheckProblemCode.unknownReference,
      file: path,
      message: 'a tier names queue county-330105, which is not defined',
    },
    {
      code: CheckProblemCode.unknownReference,
      file: path,
      message: 'a tier names queue county-330105, which is not defined',
    },
    {
      code: CheckProblemCode.unknownReference,
      file: 'dialplan/jiazheng-queues.xml',
      message: 'sends calls to queue county-330105, which callcenter.conf.xml does not define',
    },
  ]);
  const noAgent = broken(path, /<agent name="1003@[^>]*\/>/, '');
  expect(problems(noAgent)).toEqual([
    {
      code: CheckProblemCode.unknownReference,
      file: path,
      message: 'a tier names agent 1003@330106.jiazheng.local, which is not defined',
    },
  ]);
});

test('ClueCon anywhere is a stock password left behind', () => {
  const path = 'autoload_configs/event_socket.conf.xml';
  const files = broken(path, /name="password" value="[^"]*"/, 'name="password" value="ClueCon"');
  expect(problems(files)).toEqual([
    {
      code: CheckProblemCode.defaultPassword,
      file: path,
      message: 'contains ClueCon, the stock event socket password',
    },
    {
      code: CheckProblemCode.defaultPassword,
      file: path,
      message: 'param password is a well-known default (ClueCon)',
    },
  ]);
});

test('default_password must be set, and not to 1234', () => {
  const stock = broken('vars.xml', /data="default_password=[^"]*"/, 'data="default_password=1234"');
  expect(problems(stock)).toEqual([
    {
      code: CheckProblemCode.defaultPassword,
      file: 'vars.xml',
      message: 'sets default_password to a well-known default (1234)',
    },
  ]);
  const unset = broken('vars.xml', /<X-PRE-PROCESS cmd="set" data="default_password=[^"]*"\/>/, '');
  expect(problems(unset)).toEqual([
    {
      code: CheckProblemCode.missingSetting,
      file: 'vars.xml',
      message: 'does not set default_password, so the stock one (1234) would be used',
    },
  ]);
});

test('a seat or gateway with a stock password is found, also through $${default_password}', () => {
  const seat = 'directory/default/1003.xml';
  expect(problems(broken(seat, /name="password" value="[^"]*"/, 'name="password" value="1234"'))).toEqual([
    {
      code: CheckProblemCode.defaultPassword,
      file: seat,
      message: 'param password is a well-known default (1234)',
    },
  ]);
  const viaVariable = {
    ...broken(seat, /name="password" value="[^"]*"/, 'name="password" value="$${default_password}"'),
    'vars.xml': (pristine['vars.xml'] ?? '').replace(
      /data="default_password=[^"]*"/,
      () => 'data="default_password=1234"',
    ),
  };
  expect(problems(viaVariable).map((problem) => `${problem.file}: ${problem.message}`)).toEqual([
    `${seat}: param password is a well-known default ($\${default_password})`,
    'vars.xml: sets default_password to a well-known default (1234)',
  ]);
  const gateway = 'sip_profiles/external/carrier.xml';
  expect(problems(broken(gateway, /name="password" value="[^"]*"/, 'name="password" value=""'))).toEqual([
    { code: CheckProblemCode.defaultPassword, file: gateway, message: 'param password is empty' },
  ]);
});

test('variables must be set in vars.xml or be FreeSWITCH built-ins', () => {
  const path = 'sip_profiles/internal.xml';
  const files = broken(path, 'value="$${internal_sip_port}"', 'value="$${internal_port}"');
  expect(problems(files)).toEqual([
    {
      code: CheckProblemCode.undefinedVariable,
      file: path,
      message: 'uses $${internal_port}, which vars.xml does not set',
    },
  ]);
});

test('an include of a file that is not there, or an ACL nobody defines, is an unknown reference', () => {
  expect(problems(without('directory/default/1003.xml'))).toEqual([
    {
      code: CheckProblemCode.unknownReference,
      file: 'directory/default.xml',
      message: 'includes default/1003.xml (directory/default/1003.xml), which is missing',
    },
  ]);
  expect(problems(without('sip_profiles/external/carrier.xml'))).toEqual([
    {
      code: CheckProblemCode.unknownReference,
      file: 'sip_profiles/external.xml',
      message: 'includes external/carrier.xml (sip_profiles/external/carrier.xml), which is missing',
    },
  ]);
  const seat = 'directory/default/1001.xml';
  expect(problems(broken(seat, 'value="jiazheng-lan"', 'value="jiazheng-wan"'))).toEqual([
    {
      code: CheckProblemCode.unknownReference,
      file: seat,
      message: 'auth-acl names jiazheng-wan, which no list defines',
    },
  ]);
});

test('without a provisioning file, the checks still run on the files alone', () => {
  expect(checkRenderedConfig({ files: pristine })).toEqual([]);
  const files = broken(
    'autoload_configs/callcenter.conf.xml',
    /<queue name="county-330105">[\s\S]*?<\/queue>/,
    '',
  );
  expect(checkRenderedConfig({ files }).map((problem) => problem.code)).toEqual([
    'unknown-reference',
    'unknown-reference',
    'unknown-reference',
  ]);
  expect(checkRenderedConfig({ files: {} }).map((problem) => problem.code)).toEqual(
    Array.from({ length: 9 }, () => 'missing-file'),
  );
});
