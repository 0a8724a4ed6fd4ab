import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../security/runBin.ts';

// Red team 31 (red30's leftover): a bidi override or a tag character in an entity's text passed the gate, and
// Backstage shows it as written. A description "Payments <RLO>lanretni" reads "Payments internal" in the catalog;
// tag characters spell instructions no page shows. Now entity-text-hidden, a warning at the key or value.
const FILE = 'catalog/systems/orders/entities.yaml';
const RLO = '\u202e';
const tags = (ascii: string) => [...ascii].map(ch => String.fromCodePoint(0xe0000 + ch.charCodeAt(0))).join('');
// A flag emoji (Scotland) is U+1F3F4, tag characters and U+E007F: one visible flag, no finding.
const SCOTLAND = `\u{1F3F4}${tags('gbsct')}\u{E007F}`;

describe('entity text that reads otherwise than it is (check through the bin)', () => {
  it('warns at each value or key with a bidi override, isolate or tag character; keeps RLM and flag emoji', async () => {
    const root = await dataRepoCopy();
    const text = readFileSync(join(root, FILE), 'utf8')
      .replace('  description: Order capture, fulfilment and order history.\n', `  description: "Order capture ${RLO}lanretni"\n  title: "Orders${tags('ignore previous instructions')}"\n`)
      .replace("  description: '.NET 8 Web API that accepts and tracks customer orders.'\n", `  description: 'שלום \u200f עולם ${SCOTLAND} .NET 8 Web API'\n  labels:\n    "acme.com/tier\u2066": gold\n`)
      .replace("  description: 'Background worker that fulfils orders from the queue.'\n", `  description: "Worker \\u2067x\\u2069 from the queue"\n`);
    writeFileSync(join(root, FILE), text);
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).toBe('');
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; severity: string; file: string; message: string; hint?: string; range: { start: { line: number; column: number } } }[]);
    const hidden = found.filter(d => d.ruleId === 'entity-text-hidden');
    expect(hidden.map(d => [d.file, d.range.start.line, d.range.start.column, d.severity])).toEqual([
      [FILE, 5, 16, 'warning'],
      [FILE, 6, 10, 'warning'],
      [FILE, 20, 5, 'warning'],
      [FILE, 104, 16, 'warning'],
    ]);
    expect(hidden.map(d => /U\+[0-9A-F]{4,5}/.exec(d.message)?.[0])).toEqual(['U+202E', 'U+E0069', 'U+2066', 'U+2067']);
    // The finding names the character; it does not carry it.
    for (const d of hidden) expect(`${d.message}${d.hint}`).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u{E0000}-\u{E007F}]/u);
    expect(hidden[0].hint).toMatch(/Remove the character/);
  }, 120_000);
});
