/** The parts of a nunjucks AST node this check reads. */
interface SyntaxNode {
  typename: string;
  value?: unknown;
  lineno: number;
  colno: number;
  children?: unknown[];
}

// Tags that make a file render on purpose: copied as it is, GitHub Actions would read the tag itself.
const BLOCK_TAGS = new Set(['If', 'IfAsync', 'For', 'AsyncEach', 'AsyncAll', 'Set', 'Macro', 'Block', 'Include', 'Import', 'FromImport', 'Extends', 'Switch', 'Capture', 'CallExtension', 'CallExtensionAsync', 'FilterAsync']);

/**
 * Where a workflow file uses template syntax of its own (not a GitHub Actions expression): a use of the
 * step's values, an escaped `${{ '${{ … }}' }}`, or a block tag. Such a file cannot be listed under
 * copyWithoutTemplating, which would copy that syntax unrendered. Returns the node to point at, else undefined.
 */
export function ownTemplateSyntax(node: SyntaxNode, contextName: string): SyntaxNode | undefined {
  if (BLOCK_TAGS.has(node.typename)) return node;
  if (node.typename === 'Symbol' && node.value === contextName) return node;
  if (node.typename === 'Output') return (node.children ?? []).find((child): child is SyntaxNode => (child as SyntaxNode)?.typename === 'Literal');
  return undefined;
}

/** The first `{% raw %}`/`{% verbatim %}` tag of the source (nunjucks' parser leaves no node for it), 0-based. */
export function rawTagAt(source: string): { lineno: number; colno: number } | undefined {
  const match = /\{%-?\s*(?:raw|verbatim)\s*-?%\}/.exec(source);
  if (!match) return undefined;
  const before = source.slice(0, match.index);
  const lineno = before.split('\n').length - 1;
  return { lineno, colno: match.index - (before.lastIndexOf('\n') + 1) };
}
