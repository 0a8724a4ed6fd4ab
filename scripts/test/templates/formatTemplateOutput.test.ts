import { describe, expect, it } from 'vitest';
import { formatTemplateOutput } from '../../src/templates/formatTemplateOutput.ts';

describe('formatTemplateOutput (red team, 2026-12-01)', () => {
  it('skips output links and text entries that are not mappings instead of crashing', () => {
    const text = formatTemplateOutput({ links: [null, 3, { title: 'Repo', url: 'https://github.com/acme/x' }], text: [null, { title: 'Next', content: 'Run it' }] });
    expect(text).toContain('Repo: https://github.com/acme/x');
    expect(text).toContain('Next:');
  });
});
