import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { containsClueCon, isKnownDefaultPassword } from './default-passwords';
import type { Provisioning } from './provisioning';
import type { RenderedFiles } from './render';

/**
 * Checks a rendered configuration before it goes near a switch: it must parse, it must have the settings
 * the appliance depends on, everything it names must exist, and no stock password may be left anywhere.
 * It reads only the files, so it also checks files someone edited by hand.
 */

export const CheckProblemCode = {
  malformedXml: 'malformed-xml',
  missingFile: 'missing-file',
  missingSetting: 'missing-setting',
  defaultPassword: 'default-password',
  unknownReference: 'unknown-reference',
  undefinedVariable: 'undefined-variable',
} as const;
export type CheckProblemCode = (typeof CheckProblemCode)[keyof typeof CheckProblemCode];

export type CheckProblem = { code: CheckProblemCode; file: string; message: string };

export const ConfigFile = {
  vars: 'vars.xml',
  eventSocket: 'autoload_configs/event_socket.conf.xml',
  acl: 'autoload_configs/acl.conf.xml',
  modules: 'autoload_configs/modules.conf.xml',
  callcenter: 'autoload_configs/callcenter.conf.xml',
  sofia: 'autoload_configs/sofia.conf.xml',
  internalProfile: 'sip_profiles/internal.xml',
  externalProfile: 'sip_profiles/external.xml',
  inbound: 'dialplan/public/inbound.xml',
} as const;

const REQUIRED_MODULES = [
  'mod_event_socket',
  'mod_callcenter',
  'mod_sofia',
  'mod_dptools',
  'mod_commands',
  'mod_dialplan_xml',
  'mod_sndfile',
];

/** Variables FreeSWITCH sets itself before it reads any configuration (switch_core.c). */
const BUILT_IN_VARIABLES: ReadonlySet<string> = new Set([
  'hostname',
  'local_ip_v4',
  'local_mask_v4',
  'local_ip_v6',
  'switch_serial',
  'base_dir',
  'recordings_dir',
  'sound_prefix',
  'sounds_dir',
  'conf_dir',
  'log_dir',
  'run_dir',
  'db_dir',
  'mod_dir',
  'htdocs_dir',
  'script_dir',
  'temp_dir',
  'grammar_dir',
  'fonts_dir',
  'images_dir',
  'certs_dir',
  'storage_dir',
  'cache_dir',
  'data_dir',
  'localstate_dir',
  'core_uuid',
  'zrtp_enabled',
  'nat_public_addr',
  'nat_private_addr',
  'nat_port',
  'nat_type',
]);

/** Network lists FreeSWITCH builds at start-up (switch_core.c, switch_load_network_lists). */
const BUILT_IN_ACLS: ReadonlySet<string> = new Set([
  'rfc1918.auto',
  'nat.auto',
  'localnet.auto',
  'loopback.auto',
  'wan.auto',
  'wan_v4.auto',
  'wan_v6.auto',
  'any_v4.auto',
  'any_v6.auto',
  'rfc6598.auto',
]);

/** Settings whose value names a network list that must exist. */
const ACL_SETTINGS: ReadonlySet<string> = new Set(['apply-inbound-acl', 'apply-register-acl', 'auth-acl']);

type Element = { name: string; attributes: Readonly<Record<string, string>>; children: Element[] };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: false,
});

function toElements(nodes: unknown): Element[] {
  if (!Array.isArray(nodes)) return [];
  const elements: Element[] = [];
  for (const node of nodes as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(node)) {
      if (key === ':@' || key === '#text' || key === '#comment') continue;
      const attributes = (node[':@'] ?? {}) as Record<string, string>;
      elements.push({ name: key, attributes, children: toElements(value) });
    }
  }
  return elements;
}

function* walk(elements: readonly Element[]): Generator<Element> {
  for (const element of elements) {
    yield element;
    yield* walk(element.children);
  }
}

function elementsNamed(roots: readonly Element[], name: string): Element[] {
  return [...walk(roots)].filter((element) => element.name === name);
}

/** `name="x" value="y"` children of a settings block, as a map. */
function params(roots: readonly Element[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const element of elementsNamed(roots, 'param')) {
    const { name, value } = element.attributes;
    if (name !== undefined && value !== undefined) map.set(name, value);
  }
  return map;
}

/** `X-PRE-PROCESS cmd="set" data="name=value"` as [name, value]. */
function presets(roots: readonly Element[]): [string, string][] {
  return elementsNamed(roots, 'X-PRE-PROCESS')
    .filter((element) => element.attributes.cmd === 'set')
    .flatMap((element) => {
      const data = element.attributes.data ?? '';
      const equals = data.indexOf('=');
      return equals < 0 ? [] : [[data.slice(0, equals), data.slice(equals + 1)] as [string, string]];
    });
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** POSIX-style join, resolving `.` and `..`, without node:path (domain code stays pure). */
function joinPath(directory: string, relative: string): string {
  const parts = directory === '' ? [] : directory.split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/**
 * fast-xml-parser's validator lets a bare `&` through; FreeSWITCH's parser may read it differently from what
 * was meant, so it counts as malformed. Comments may contain `&`, so they are blanked out first.
 */
function findBareAmpersand(text: string): { line: number; column: number } | undefined {
  const withoutComments = text.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ' '));
  const match = /&(?!(?:[A-Za-z_][\w.-]*|#\d+|#x[\dA-Fa-f]+);)/.exec(withoutComments);
  if (match === null) return undefined;
  const before = withoutComments.slice(0, match.index).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

type Parsed = { path: string; text: string; roots: Element[] };

class Problems {
  readonly list: CheckProblem[] = [];
  add(code: CheckProblemCode, file: string, message: string): void {
    this.list.push({ code, file, message });
  }
}

function parseFiles(files: RenderedFiles, problems: Problems): Map<string, Parsed> {
  const parsed = new Map<string, Parsed>();
  for (const path of Object.keys(files).sort()) {
    const text = files[path] ?? '';
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      const { msg, line, col } = valid.err;
      problems.add(
        CheckProblemCode.malformedXml,
        path,
        `not well-formed XML (line ${line}, column ${col}): ${msg}`,
      );
      continue;
    }
    const bareAmpersand = findBareAmpersand(text);
    if (bareAmpersand !== undefined) {
      problems.add(
        CheckProblemCode.malformedXml,
        path,
        `not well-formed XML (line ${bareAmpersand.line}, column ${bareAmpersand.column}): a bare & (write &amp;)`,
      );
      continue;
    }
    const roots = toElements(parser.parse(text));
    if (roots.length !== 1) {
      problems.add(CheckProblemCode.malformedXml, path, `has ${roots.length} root elements instead of one`);
      continue;
    }
    parsed.set(path, { path, text, roots });
  }
  return parsed;
}

function checkRequiredFiles(files: RenderedFiles, problems: Problems): void {
  for (const path of Object.values(ConfigFile)) {
    if (files[path] === undefined) problems.add(CheckProblemCode.missingFile, path, 'is missing');
  }
}

function checkEventSocket(parsed: Map<string, Parsed>, acls: ReadonlySet<string>, problems: Problems): void {
  const file = parsed.get(ConfigFile.eventSocket);
  if (file === undefined) return;
  const settings = params(file.roots);
  if (!settings.get('password')) {
    problems.add(CheckProblemCode.missingSetting, file.path, 'has no event socket password');
  }
  const acl = settings.get('apply-inbound-acl');
  if (!acl) {
    problems.add(
      CheckProblemCode.missingSetting,
      file.path,
      'has no apply-inbound-acl: the event socket must only accept the appliance',
    );
  } else if (!acls.has(acl) && !BUILT_IN_ACLS.has(acl)) {
    problems.add(
      CheckProblemCode.unknownReference,
      file.path,
      `apply-inbound-acl names ${acl}, which no list defines`,
    );
  }
}

function checkModules(parsed: Map<string, Parsed>, problems: Problems): void {
  const file = parsed.get(ConfigFile.modules);
  if (file === undefined) return;
  const loaded = new Set(elementsNamed(file.roots, 'load').map((element) => element.attributes.module));
  for (const module of REQUIRED_MODULES) {
    if (!loaded.has(module))
      problems.add(CheckProblemCode.missingSetting, file.path, `does not load ${module}`);
  }
}

function checkInbound(parsed: Map<string, Parsed>, problems: Problems): void {
  const file = parsed.get(ConfigFile.inbound);
  if (file === undefined) return;
  const extensions = elementsNamed(file.roots, 'extension');
  if (extensions.length === 0)
    problems.add(CheckProblemCode.missingSetting, file.path, 'has no inbound extension');
  for (const extension of extensions) {
    const records = elementsNamed([extension], 'action').some(
      (element) => element.attributes.application === 'record_session',
    );
    if (!records) {
      problems.add(
        CheckProblemCode.missingSetting,
        file.path,
        `extension ${extension.attributes.name ?? '(unnamed)'} does not record_session`,
      );
    }
  }
}

function checkCallcenter(
  parsed: Map<string, Parsed>,
  provisioning: Provisioning | undefined,
  problems: Problems,
): void {
  const file = parsed.get(ConfigFile.callcenter);
  if (file === undefined) return;
  const queues = new Set(elementsNamed(file.roots, 'queue').map((element) => element.attributes.name ?? ''));
  const agents = new Set(elementsNamed(file.roots, 'agent').map((element) => element.attributes.name ?? ''));
  if (queues.size === 0) problems.add(CheckProblemCode.missingSetting, file.path, 'defines no queue');
  for (const queue of provisioning?.queues ?? []) {
    if (!queues.has(queue.name)) {
      problems.add(CheckProblemCode.missingSetting, file.path, `does not define queue ${queue.name}`);
    }
  }
  for (const tier of elementsNamed(file.roots, 'tier')) {
    const { queue = '', agent = '' } = tier.attributes;
    if (!queues.has(queue)) {
      problems.add(
        CheckProblemCode.unknownReference,
        file.path,
        `a tier names queue ${queue}, which is not defined`,
      );
    }
    if (!agents.has(agent)) {
      problems.add(
        CheckProblemCode.unknownReference,
        file.path,
        `a tier names agent ${agent}, which is not defined`,
      );
    }
  }
  // A call sent to a queue mod_callcenter does not know is dropped, so every dialplan reference must exist.
  for (const dialplan of parsed.values()) {
    if (!dialplan.path.startsWith('dialplan/')) continue;
    for (const element of [
      ...elementsNamed(dialplan.roots, 'action'),
      ...elementsNamed(dialplan.roots, 'anti-action'),
    ]) {
      if (element.attributes.application !== 'callcenter') continue;
      const queue = (element.attributes.data ?? '').trim().split(/\s+/)[0] ?? '';
      if (!queues.has(queue)) {
        problems.add(
          CheckProblemCode.unknownReference,
          dialplan.path,
          `sends calls to queue ${queue}, which callcenter.conf.xml does not define`,
        );
      }
    }
  }
}

function definedVariables(parsed: Map<string, Parsed>): Map<string, string> {
  const vars = parsed.get(ConfigFile.vars);
  return new Map(vars === undefined ? [] : presets(vars.roots));
}

function checkVariables(parsed: Map<string, Parsed>, problems: Problems): void {
  const defined = definedVariables(parsed);
  for (const file of parsed.values()) {
    const names = new Set([...file.text.matchAll(/\$\$\{([^}]*)\}/g)].map((match) => match[1] ?? ''));
    for (const name of names) {
      if (!defined.has(name) && !BUILT_IN_VARIABLES.has(name)) {
        problems.add(
          CheckProblemCode.undefinedVariable,
          file.path,
          `uses $\${${name}}, which vars.xml does not set`,
        );
      }
    }
  }
}

function checkReferences(parsed: Map<string, Parsed>, acls: ReadonlySet<string>, problems: Problems): void {
  for (const file of parsed.values()) {
    for (const element of elementsNamed(file.roots, 'X-PRE-PROCESS')) {
      const target = element.attributes.data ?? '';
      if (element.attributes.cmd !== 'include' || target.includes('*') || target.startsWith('/')) continue;
      const resolved = joinPath(directoryOf(file.path), target);
      if (!parsed.has(resolved)) {
        problems.add(
          CheckProblemCode.unknownReference,
          file.path,
          `includes ${target} (${resolved}), which is missing`,
        );
      }
    }
    for (const element of elementsNamed(file.roots, 'param')) {
      const { name = '', value = '' } = element.attributes;
      if (ACL_SETTINGS.has(name) && !acls.has(value) && !BUILT_IN_ACLS.has(value)) {
        problems.add(
          CheckProblemCode.unknownReference,
          file.path,
          `${name} names ${value}, which no list defines`,
        );
      }
    }
  }
}

function resolveVariables(value: string, defined: ReadonlyMap<string, string>): string {
  return value.replace(/\$\$\{([^}]*)\}/g, (whole, name: string) => defined.get(name) ?? whole);
}

function checkPasswords(files: RenderedFiles, parsed: Map<string, Parsed>, problems: Problems): void {
  for (const [path, text] of Object.entries(files)) {
    if (containsClueCon({ text })) {
      problems.add(
        CheckProblemCode.defaultPassword,
        path,
        'contains ClueCon, the stock event socket password',
      );
    }
  }
  const defined = definedVariables(parsed);
  const vars = parsed.get(ConfigFile.vars);
  if (vars !== undefined && !defined.has('default_password')) {
    problems.add(
      CheckProblemCode.missingSetting,
      vars.path,
      'does not set default_password, so the stock one (1234) would be used',
    );
  }
  for (const file of parsed.values()) {
    for (const [name, value] of presets(file.roots)) {
      if (/password/i.test(name) && isKnownDefaultPassword({ password: resolveVariables(value, defined) })) {
        problems.add(
          CheckProblemCode.defaultPassword,
          file.path,
          `sets ${name} to a well-known default (${value})`,
        );
      }
    }
    for (const element of [...elementsNamed(file.roots, 'param'), ...elementsNamed(file.roots, 'variable')]) {
      const { name = '', value } = element.attributes;
      if (!/password/i.test(name) || value === undefined) continue;
      const resolved = resolveVariables(value, defined);
      if (resolved.trim() === '' || isKnownDefaultPassword({ password: resolved })) {
        problems.add(
          CheckProblemCode.defaultPassword,
          file.path,
          `${element.name} ${name} is ${resolved.trim() === '' ? 'empty' : `a well-known default (${value})`}`,
        );
      }
    }
  }
}

/**
 * Every problem found in a rendered configuration, in a stable order; empty when it is fit to install.
 * With `provisioning`, it also checks that every queue of the provisioning file reached callcenter.conf.
 */
export function checkRenderedConfig(options: {
  files: RenderedFiles;
  provisioning?: Provisioning | undefined;
}): CheckProblem[] {
  const problems = new Problems();
  checkRequiredFiles(options.files, problems);
  const parsed = parseFiles(options.files, problems);
  const aclFile = parsed.get(ConfigFile.acl);
  const acls = new Set(
    aclFile === undefined
      ? []
      : elementsNamed(aclFile.roots, 'list').map((element) => element.attributes.name ?? ''),
  );
  checkEventSocket(parsed, acls, problems);
  checkModules(parsed, problems);
  checkInbound(parsed, problems);
  checkCallcenter(parsed, options.provisioning, problems);
  checkVariables(parsed, problems);
  checkReferences(parsed, acls, problems);
  checkPasswords(options.files, parsed, problems);
  return problems.list;
}
