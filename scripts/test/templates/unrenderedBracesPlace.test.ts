import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh39 on sanity-io/backstage-templates: `{{ parameters.appName }}` without its `$` at line 252 was reported
// at line 225, where `${{ parameters.appName }}` (which ends in the same text) comes first in the value.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: onboard
spec:
  owner: user:guest
  type: service
  parameters:
    - properties:
        appName: { type: string }
  steps:
    - id: pr
      action: debug:log
      input:
        message: |
          ## Add \${{ parameters.appName }} application
          Folder \${{ parameters.appName }}/
          └── {{ parameters.appName }}.env
          again {{ parameters.appName }}
`;

describe('template-unrendered-braces in a value that also writes the same expression with its $', () => {
  it('is placed on the bare braces, each occurrence on its own line', async () => {
    const root = await tempRepo({ 'template.yaml': TEMPLATE });
    const run = await runBin(['check', '--format', 'json'], root);
    await rm(root, { recursive: true, force: true });
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; range: { start: { line: number; column: number } } }[]).filter(d => d.ruleId === 'template-unrendered-braces');
    expect(found.map(d => `${d.range.start.line}:${d.range.start.column}`)).toEqual(['18:15', '19:17']);
  }, 60_000);
});
