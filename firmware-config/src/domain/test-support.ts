import { XMLParser } from 'fast-xml-parser';
import beijing from '../../examples/110101.json';
import xihu from '../../examples/330106.json';
import { parseProvisioning, type Provisioning } from './provisioning';

/** The shipped examples, as plain JSON (what a provisioning file holds). */
export const exampleInputs = { '330106': xihu, '110101': beijing } as const;

/** A deep copy of an example, to break on purpose without touching the shared one. */
export function exampleInput<County extends keyof typeof exampleInputs>(options: {
  county: County;
}): (typeof exampleInputs)[County] {
  return structuredClone(exampleInputs[options.county]);
}

export function exampleProvisioning(options: { county: keyof typeof exampleInputs }): Provisioning {
  return parseProvisioning({ input: exampleInput(options) });
}

export type TestElement = { name: string; attributes: Record<string, string>; children: TestElement[] };

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
});

function toTestElements(nodes: unknown): TestElement[] {
  if (!Array.isArray(nodes)) return [];
  return (nodes as Record<string, unknown>[]).flatMap((node) =>
    Object.entries(node)
      .filter(([key]) => key !== ':@' && key !== '#text')
      .map(([name, value]) => ({
        name,
        attributes: (node[':@'] ?? {}) as Record<string, string>,
        children: toTestElements(value),
      })),
  );
}

/** Every element named `name` in `text`, depth first, with entities decoded (as FreeSWITCH reads them). */
export function findElements(options: { text: string | undefined; name: string }): TestElement[] {
  const found: TestElement[] = [];
  const visit = (elements: TestElement[]) => {
    for (const element of elements) {
      if (element.name === options.name) found.push(element);
      visit(element.children);
    }
  };
  visit(toTestElements(xmlParser.parse(options.text ?? '')));
  return found;
}

/** The `value` of `<param name="…">` (or `<variable>`) elements, by name. */
export function settingsOf(options: { text: string | undefined; element?: string }): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const element of findElements({ text: options.text, name: options.element ?? 'param' })) {
    const { name, value } = element.attributes;
    if (name !== undefined && value !== undefined) settings[name] = value;
  }
  return settings;
}
