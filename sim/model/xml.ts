/**
 * A small XML reader for MJCF files: elements, attributes, comments, an optional declaration. Pure TypeScript
 * (no DOM), so it runs in Node and in Web Workers, and it keeps each element's line for error messages. MJCF
 * carries everything in attributes, so character data other than whitespace is an error, as are DTDs and CDATA.
 */

export interface XmlElement {
  readonly name: string;
  /** Attributes in file order (a repeated attribute is an error). */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** 1-based line of the element's '<'. */
  readonly line: number;
}

export class XmlError extends Error {}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string, line: number): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (match, entity: string | undefined) => {
    if (entity === undefined) throw new XmlError(`line ${line}: a bare '&' (write &amp;)`);
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    const value = ENTITIES[entity];
    if (value === undefined) throw new XmlError(`line ${line}: unknown entity '${match}'`);
    return value;
  });
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const SPACE = /\s*/y;

/** Parses `text` into its root element; throws an XmlError naming the line of the first problem. */
export function parseXml(text: string): XmlElement {
  let pos = 0;
  let line = 1;
  const advance = (to: number): void => {
    for (let i = pos; i < to; i++) if (text.charCodeAt(i) === 10) line++;
    pos = to;
  };
  const fail = (message: string): never => {
    throw new XmlError(`line ${line}: ${message}`);
  };
  const skipSpace = (): void => {
    SPACE.lastIndex = pos;
    SPACE.exec(text);
    advance(SPACE.lastIndex);
  };
  const readName = (what: string): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(text);
    if (!match) fail(`expected ${what}`);
    advance(NAME.lastIndex);
    return (match as RegExpExecArray)[0];
  };
  /** Skips comments, whitespace and (before the root) a declaration; rejects other markup and text. */
  const skipMisc = (allowDeclaration: boolean): void => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4);
        if (end < 0) fail('unterminated comment');
        advance(end + 3);
      } else if (allowDeclaration && text.startsWith('<?', pos)) {
        const end = text.indexOf('?>', pos);
        if (end < 0) fail('unterminated declaration');
        advance(end + 2);
      } else if (text.startsWith('<!', pos) || text.startsWith('<?', pos)) {
        fail(`unsupported markup '${text.slice(pos, pos + 9)}'`);
      } else return;
    }
  };
  const readElement = (): XmlElement => {
    if (text[pos] !== '<') fail(pos < text.length ? `unexpected text '${text.slice(pos, pos + 20).trim()}'` : 'unexpected end of file');
    const start = line;
    advance(pos + 1);
    const name = readName('an element name');
    const attributes = new Map<string, string>();
    for (;;) {
      skipSpace();
      if (text.startsWith('/>', pos)) {
        advance(pos + 2);
        return { name, attributes, children: [], line: start };
      }
      if (text[pos] === '>') {
        advance(pos + 1);
        break;
      }
      const attribute = readName(`an attribute or the end of <${name}>`);
      skipSpace();
      if (text[pos] !== '=') fail(`attribute '${attribute}' of <${name}> has no value`);
      advance(pos + 1);
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail(`attribute '${attribute}' of <${name}>: value must be quoted`);
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) fail(`attribute '${attribute}' of <${name}>: unterminated value`);
      const valueLine = line;
      const raw = text.slice(pos + 1, end);
      advance(end + 1);
      if (raw.includes('<')) throw new XmlError(`line ${valueLine}: attribute '${attribute}' of <${name}> contains '<'`);
      if (attributes.has(attribute)) throw new XmlError(`line ${valueLine}: attribute '${attribute}' of <${name}> given twice`);
      attributes.set(attribute, decode(raw, valueLine));
    }
    const children: XmlElement[] = [];
    for (;;) {
      skipMisc(false);
      if (text.startsWith('</', pos)) {
        advance(pos + 2);
        const closing = readName('a closing tag name');
        if (closing !== name) fail(`</${closing}> closes <${name}> of line ${start}`);
        skipSpace();
        if (text[pos] !== '>') fail(`expected '>' after </${closing}`);
        advance(pos + 1);
        return { name, attributes, children, line: start };
      }
      if (pos >= text.length) fail(`<${name}> of line ${start} is never closed`);
      children.push(readElement());
    }
  };
  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  skipMisc(true);
  const root = readElement();
  skipMisc(false);
  if (pos < text.length) fail('content after the root element');
  return root;
}
