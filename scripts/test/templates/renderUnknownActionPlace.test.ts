import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// templates render said an unknown action once per step, in words without the place in the `$yaml` fragment
// that brings the step in and without the other steps that use it, which check adds: the fix is made in the
// fragment, and a preview that names the template's line sends the developer to the wrong file.

const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: t}
spec:
  owner: group:default/a
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - $yaml: ../../steps/notify.yaml
    - id: fetch
      action: fetch:template
      input:
        url: ../../skeleton
        values: {name: "\${{ parameters.name }}"}
    - id: again
      action: acme:notify
      input: {channel: y}
`;

describe('templates render says an unknown action as check does', () => {
  it('once, with the fragment place and the other steps using it', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/x/blob/main/\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend']\n",
      'app-config.yaml': 'app: {}\n',
      'values.yaml': 'name: demo\n',
      'skeleton/README.md': '# ${{ values.name }}\n',
      'steps/notify.yaml': 'id: notify\nname: Notify\naction: acme:notify\ninput: {channel: x}\n',
      'templates/t/template.yaml': TEMPLATE,
    });
    const checked = await runBin(['check', '--format', 'json', 'templates/t/template.yaml'], root);
    const said = (JSON.parse(checked.stdout).diagnostics as { ruleId: string; message: string }[]).filter(d => d.ruleId === 'template-action-unknown');
    expect(said).toHaveLength(1);
    expect(said[0].message).toContain('(Written at steps/notify.yaml:3:9, which the $yaml placeholder here brings in: fix it there.) Also used by 1 more step(s), not reported again: line 18 of this file.');
    const rendered = await runBin(['templates', 'render', 'templates/t/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(rendered.stdout).toContain(`✖ step notify: ${said[0].message}\n`);
    expect(rendered.stdout).not.toContain('step again:');
    expect(rendered.status).toBe(1);
  }, 60_000);
});
