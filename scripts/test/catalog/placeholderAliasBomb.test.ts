import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team: a four-line file of nested aliases, read by a $yaml placeholder, stopped every command with
// "internal error" (exit 2): building its value hit yaml's alias limit (billion-laughs protection) outside
// the parse that reports it. Backstage's reader keeps the same limit and fails that one entity: a finding.
const BOMB = ['a0: &a0 [x,x,x,x,x,x,x,x,x,x]', ...[1, 2, 3].map(i => `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(',')}]`)].join('\n') + '\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const COMPONENT = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c1\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  extra:\n    $yaml: ./frag.yaml\n';

describe('a $yaml placeholder reading an alias bomb (through the bin)', () => {
  it('is placeholder-invalid at the placeholder, exit 1, in text and JSON', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': `${GROUP}---\n${COMPONENT}`, 'frag.yaml': BOMB });
    const json = await runBin(['check', '--root', root, '--format', 'json'], root);
    expect(json.stderr).not.toContain('internal error');
    expect(json.status, json.stderr).toBe(1);
    const found = (JSON.parse(json.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number } } }[]).map(d => [d.ruleId, d.file, d.range.start.line]);
    expect(found).toEqual([['placeholder-invalid', 'catalog-info.yaml', 18]]);
    const text = await runBin(['check', '--root', root], root, { NO_COLOR: '1' });
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('Placeholder $yaml could not read the data at ./frag.yaml');
    expect(text.stdout).toContain('Write the values out in frag.yaml instead of aliasing them.');
  }, 60_000);
});
