import { expect, test } from 'vitest';
import { comment, element, escapeXml, renderXml } from './xml';

test('escapeXml escapes the five XML specials and keeps line breaks through attribute normalisation', () => {
  expect(escapeXml({ text: `<a href="x">&'` })).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  expect(escapeXml({ text: 'a\tb\nc\r' })).toBe('a&#9;b&#10;c&#13;');
  expect(escapeXml({ text: '王芳 😀' })).toBe('王芳 😀');
});

test('characters XML cannot carry are refused, not dropped', () => {
  expect(() => escapeXml({ text: 'a\u0000b' })).toThrow('cannot write U+0000 in XML');
  expect(() => escapeXml({ text: 'bell\u0007' })).toThrow('cannot write U+0007 in XML');
  expect(() => escapeXml({ text: 'half \uD83D surrogate' })).toThrow('cannot write U+D83D in XML');
});

test('renderXml indents, self-closes empty elements and ends with a newline', () => {
  const root = element('configuration', { name: 'x.conf', enabled: true, port: 8021 }, [
    element('settings', {}, [element('param', { name: 'a', value: 'b&c' })]),
    element('empty'),
  ]);
  expect(renderXml({ root, leadingComments: ['header'] })).toBe(
    [
      '<!-- header -->',
      '<configuration name="x.conf" enabled="true" port="8021">',
      '  <settings>',
      '    <param name="a" value="b&amp;c"/>',
      '  </settings>',
      '  <empty/>',
      '</configuration>',
      '',
    ].join('\n'),
  );
});

test('comments cannot be closed early by their text', () => {
  const text = renderXml({ root: element('include', {}, [comment('a --> b --- c -')]) });
  expect(text).toBe('<include>\n  <!-- a - -> b - - - c - -->\n</include>\n');
  expect(text.match(/--/g)).toHaveLength(2);
});

test('element and attribute names are checked, since they are never escaped', () => {
  expect(() => renderXml({ root: element('bad name') })).toThrow('not an XML element name: "bad name"');
  expect(() => renderXml({ root: element('ok', { 'x"y': 'z' }) })).toThrow('not an XML attribute name');
});
