import { createRequire } from 'node:module';

// jsdom ships no types of its own; the one constructor used here is typed by hand.
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (html: string) => { window: { document: unknown } } };

type Mermaid = { parse: (text: string) => Promise<unknown> };
let mermaid: Promise<Mermaid> | undefined;

// Mermaid's flowchart grammar ships only inside `mermaid`, whose parse() sanitises labels with DOMPurify
// and so needs a DOM; @mermaid-js/parser covers other diagram types, not flowcharts.
function load(): Promise<Mermaid> {
  mermaid ??= (async () => {
    const { window } = new JSDOM('');
    Object.assign(globalThis, { window, document: window.document });
    return ((await import('mermaid')) as unknown as { default: Mermaid }).default;
  })();
  return mermaid;
}

/** Every ```mermaid block of a Markdown text, each parsed by Mermaid's own parser (`error` when it fails). */
export async function parseMermaidBlocks(markdown: string): Promise<{ source: string; error?: string }[]> {
  const blocks = [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map(m => m[1]);
  const parser = await load();
  const results: { source: string; error?: string }[] = [];
  for (const source of blocks) {
    try {
      await parser.parse(source);
      results.push({ source });
    } catch (error) {
      results.push({ source, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}
