import { describe, expect, it } from 'vitest';
import { mermaidLabel, renderMermaid, type ChangeGraph } from '../../src/pr/mermaidGraph.ts';
import { parseMermaidBlocks } from './mermaidParse.ts';

const HOSTILE = [
  'component:default/a"]; click n0 "https://evil.example" _blank; x["',
  'component:default/b```\n## pwned <img src=x onerror=alert(1)>',
  'component:default/c%%{init: {"theme":"dark"}}%%',
  'component:default/d-->e; style n0 fill:red',
  'component:default/#quot;&amp;|x|;`',
];

describe('mermaidGraph', () => {
  it('keeps hostile entity names inside their labels: the graph still parses and nothing escapes', async () => {
    const graph: ChangeGraph = {
      status: Object.fromEntries(HOSTILE.map((ref, i) => [ref, (['added', 'changed', 'removed', 'renamed', 'deprecated'] as const)[i]])),
      renamedFrom: { [HOSTILE[3]]: 'component:default/"old"' },
      edges: HOSTILE.slice(1).map((ref, i) => ({ from: HOSTILE[0], field: 'dependsOn', to: ref, ...(i % 2 ? { kind: 'stale' as const } : {}) })),
    };
    const { text } = renderMermaid(graph, 40, 60);
    const [result] = await parseMermaidBlocks(text);
    expect(result.error).toBeUndefined();
    const body = text.split('\n').slice(1, -1).join('\n');
    expect(body).not.toMatch(/```|<|%%/);
    // Outside the quoted labels only the graph's own syntax is left.
    expect(body.replace(/"[^"]*"/g, '""')).not.toMatch(/click|style n0|evil/);
    for (const line of body.split('\n').filter(l => l.includes('["') && !l.includes('subgraph'))) expect(line).toMatch(/^ {2,4}\w+\["[^"]*"\](:::\w+)?$/);
  }, 60_000);

  it('labels are Mermaid entity codes outside a small safe set', () => {
    expect(mermaidLabel('api:default/x"y')).toBe('api:default/x#34;y');
    expect(mermaidLabel('a'.repeat(200))).toHaveLength(99 + '#8230;'.length);
  });

  it('on a big change shows the neighbourhoods of the most connected changes and counts what it left out', async () => {
    const status: ChangeGraph['status'] = {};
    const edges: ChangeGraph['edges'] = [];
    for (let i = 0; i < 300; i++) status[`component:default/c${i}`] = 'added';
    status['api:default/hub'] = 'removed';
    for (let i = 0; i < 120; i++) edges.push({ from: `component:default/c${i}`, field: 'consumesApis', to: 'api:default/hub', kind: 'stale' });
    const rendered = renderMermaid({ status, renamedFrom: {}, edges }, 40, 60);
    expect(rendered.text).toContain('["api:default/hub"]:::removed');
    expect(rendered.omittedNodes).toBe(301 - 40);
    expect(rendered.omittedEdges).toBe(120 - 39);
    const [result] = await parseMermaidBlocks(rendered.text);
    expect(result.error).toBeUndefined();
  }, 60_000);
});
