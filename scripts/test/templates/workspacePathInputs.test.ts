import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

// scaffolder-backend's fs:rename (files[].from/to), fs:delete (files[]), fs:readdir (paths[]) and catalog:write
// (filePath) pass their paths to resolveSafeChildPath, as fetch:* do targetPath; their schemas do not call
// them workspace paths, so `check` judged only targetPath/sourcePath and passed a template whose task Backstage
// fails ("Relative path is not allowed to refer to a directory outside its parent"), seen only by a test case
// (red28: a template without tests/ passed check and report).
const STEPS = `    - id: rename
      name: Rename
      action: fs:rename
      input:
        files: [{ from: README.md, to: docs/README.md }, { from: a.txt, to: ../../../tmp/out }]
    - id: delete
      name: Delete
      action: fs:delete
      input:
        files: [old/*, /etc/x, '**/../../up']
    - id: read
      name: Read
      action: fs:readdir
      input:
        paths: [src, ../..]
    - id: write
      name: Write
      action: catalog:write
      input:
        filePath: ../catalog-info.yaml
        entity: { apiVersion: backstage.io/v1alpha1, kind: Component, metadata: { name: x }, spec: { type: service, lifecycle: production, owner: platform } }
    - id: templated
      name: Templated
      action: fs:delete
      input:
        files: ['\${{ parameters.name }}/x', 'a/\${{ parameters.name }}', '../../tmp/\${{ parameters.name }}', '/etc/x\${{ parameters.name }}/y']
`;

describe('built-in actions that resolve paths in the task workspace', () => {
  it('refuse, statically, each literal path that leaves it, at its own place; paths inside and templated ones pass', async () => {
    const root = await templateRepo(['../templates/t/template.yaml'], {
      'templates/t/template.yaml': `${templateHead('t')}${fetchSkeletonStep()}${STEPS}`,
      'skeletons/svc/README.md': 'hi ${{ values.name }}\n',
    });
    const { findings, diagnostics } = checkFindings(root);
    expect(findings.filter(f => f.startsWith('template-action-input'))).toEqual([
      'template-action-input@templates/t/template.yaml:25:77',
      'template-action-input@templates/t/template.yaml:30:24',
      'template-action-input@templates/t/template.yaml:30:32',
      'template-action-input@templates/t/template.yaml:35:22',
      'template-action-input@templates/t/template.yaml:40:19',
      'template-action-input@templates/t/template.yaml:46:109',
      'template-action-input@templates/t/template.yaml:46:73',
    ]);
    expect(diagnostics.filter(d => d.ruleId === 'template-action-input').map(d => d.message)).toEqual([
      'files.1.to "../../../tmp/out": Relative path is not allowed to refer to a directory outside its parent',
      'files.1 "/etc/x": Relative path is not allowed to refer to a directory outside its parent',
      'files.2 "**/../../up": Relative path is not allowed to refer to a directory outside its parent',
      'paths.1 "../..": Relative path is not allowed to refer to a directory outside its parent',
      'filePath "../catalog-info.yaml": Relative path is not allowed to refer to a directory outside its parent',
      // red29: a literal start that leaves the workspace leaves it whatever the expression after it gives.
      'files.2 "../../tmp/${{ parameters.name }}" leaves the task workspace whatever its expressions give (its literal start "../../tmp/"): Relative path is not allowed to refer to a directory outside its parent',
      'files.3 "/etc/x${{ parameters.name }}/y" leaves the task workspace whatever its expressions give (its literal start "/etc/"): Relative path is not allowed to refer to a directory outside its parent',
    ]);
  }, 60_000);
});
