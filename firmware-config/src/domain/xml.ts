/**
 * A deliberately tiny XML writer: FreeSWITCH configuration is elements with attributes and comments, never
 * mixed text, so a tree of plain objects rendered with fixed indentation is enough and the output is the same
 * bytes for the same input (golden tests depend on that).
 */

export type XmlAttributeValue = string | number | boolean;

export type XmlElement = {
  readonly name: string;
  /** Rendered in insertion order, so the caller decides the order and it never changes between runs. */
  readonly attributes?: Readonly<Record<string, XmlAttributeValue>> | undefined;
  readonly children?: readonly XmlNode[] | undefined;
};

export type XmlComment = { readonly comment: string };

export type XmlNode = XmlElement | XmlComment;

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

// XML 1.0 cannot carry these at all, escaped or not; refusing them here means a bad value fails loudly in
// the renderer instead of producing a file FreeSWITCH rejects at start-up.
const NOT_XML_CHAR =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

function assertXmlChars(text: string): void {
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0) ?? 0;
    throw new Error(`cannot write U+${code.toString(16).toUpperCase().padStart(4, '0')} in XML`);
  }
}

/** Escapes text for an attribute value or text content; tab and line breaks survive attribute normalisation. */
export function escapeXml(options: { text: string }): string {
  assertXmlChars(options.text);
  return options.text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    .replaceAll('\t', '&#9;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;');
}

/** Shorthand for building trees: `element('param', { name: 'x', value: 'y' })`. */
export function element(
  name: string,
  attributes?: Readonly<Record<string, XmlAttributeValue>>,
  children?: readonly XmlNode[],
): XmlElement {
  return { name, attributes, children };
}

export function comment(text: string): XmlComment {
  return { comment: text };
}

function renderComment(text: string): string {
  // Entities mean nothing inside a comment; only "--" is unsafe (the space before "-->" covers a final "-").
  assertXmlChars(text);
  const safe = text.replace(/-(?=-)/g, '- ');
  return `<!-- ${safe} -->`;
}

function renderNode(node: XmlNode, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  if ('comment' in node) {
    lines.push(indent + renderComment(node.comment));
    return;
  }
  if (!XML_NAME.test(node.name)) throw new Error(`not an XML element name: ${JSON.stringify(node.name)}`);
  let open = `<${node.name}`;
  for (const [key, value] of Object.entries(node.attributes ?? {})) {
    if (!XML_NAME.test(key)) throw new Error(`not an XML attribute name: ${JSON.stringify(key)}`);
    open += ` ${key}="${escapeXml({ text: String(value) })}"`;
  }
  const children = node.children ?? [];
  if (children.length === 0) {
    lines.push(`${indent}${open}/>`);
    return;
  }
  lines.push(`${indent}${open}>`);
  for (const child of children) renderNode(child, depth + 1, lines);
  lines.push(`${indent}</${node.name}>`);
}

/**
 * One file: the root element, two-space indentation, `\n` line ends and a final newline. No XML declaration,
 * because FreeSWITCH pastes included files into one document and the stock files have none.
 */
export function renderXml(options: { root: XmlElement; leadingComments?: readonly string[] }): string {
  const lines: string[] = [];
  for (const text of options.leadingComments ?? []) lines.push(renderComment(text));
  renderNode(options.root, 0, lines);
  return `${lines.join('\n')}\n`;
}
