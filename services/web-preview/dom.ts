// A few helpers over htmlparser2's DOM: class tests, descendant search that
// can stop at subtrees we must not read (a quoted reply, a link preview), and
// text extraction. The parser is forgiving by design: t.me's markup is not
// ours and a broken tag must cost one field, not the page.
import { DomUtils, parseDocument } from 'htmlparser2';

export type Document = ReturnType<typeof parseDocument>;
export type DomNode = Document['children'][number];
export type Element = ReturnType<typeof DomUtils.findAll>[number];

export function parseHtml(html: string): Document {
  return parseDocument(html, { decodeEntities: true });
}

export function isElement(node: DomNode): node is Element {
  return DomUtils.isTag(node);
}

export function classes(el: Element): string[] {
  return (el.attribs.class ?? '').split(/\s+/).filter((c) => c !== '');
}

export function hasClass(el: Element, name: string): boolean {
  return classes(el).includes(name);
}

function childrenOf(node: DomNode | Document): DomNode[] {
  return 'children' in node ? (node.children as DomNode[]) : [];
}

/**
 * Every descendant element passing `test`, in document order, not entering
 * subtrees whose root passes `skip`.
 */
export function findAll(root: DomNode | Document, test: (el: Element) => boolean, skip?: (el: Element) => boolean): Element[] {
  const out: Element[] = [];
  const walk = (node: DomNode | Document) => {
    for (const child of childrenOf(node)) {
      if (!isElement(child)) continue;
      if (skip?.(child)) continue;
      if (test(child)) out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

export function findFirst(root: DomNode | Document, test: (el: Element) => boolean, skip?: (el: Element) => boolean): Element | null {
  return findAll(root, test, skip)[0] ?? null;
}

export const byClass = (name: string) => (el: Element) => hasClass(el, name);

/** The text a reader sees, whitespace as in the source, <br> as a newline. */
export function textOf(node: DomNode | Document): string {
  if (DomUtils.isText(node)) return node.data;
  if (isElement(node) && node.name === 'br') return '\n';
  return childrenOf(node).map(textOf).join('');
}

/** Text with runs of whitespace (including no-break spaces) collapsed, trimmed. */
export function squashedText(node: DomNode | Document): string {
  return textOf(node).replace(/[\s\u00a0]+/g, ' ').trim();
}
