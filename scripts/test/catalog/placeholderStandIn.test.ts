import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Fresh user: a step Backstage reads whole from a URL (`- $yaml: …/blob/develop/steps/log.yaml`) was judged by
// its empty stand-in: "/spec/steps/0 must have required property 'action'" (an error) and "There is no step
// with id log" for the output naming it, besides the placeholder's own finding. Only a URL the gate cannot
// read offline was spared that; any placeholder the gate has no value for now is.
type Finding = { ruleId: string; severity: string; message: string; range: { start: { line: number } } };

const TEMPLATE = (step: string, extra = '') => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t1
spec:
  type: service
  owner: group:default/team-a
  parameters:
    - title: x
      properties:
        name: {type: string}
  steps:
    - $yaml: ${step}
${extra}  output:
    text:
      - title: x
        content: \${{ steps.log.output.foo }}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
`;

async function check(root: string) {
  const run = await runBin(['check', '--format', 'json'], root);
  const findings = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId} ${d.severity}@${d.range.start.line}`);
  return { status: run.status, findings, diagnostics: (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics };
}

function commitWithOrigin(root: string) {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=a@b', '-c', 'user.name=a', ...args]);
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', 'https://github.com/acme/repo.git');
  git('add', '-A');
  git('commit', '-qm', 'base');
}

describe('a placeholder the gate has no value for', () => {
  it('at another revision of this repository: only its own finding, no schema or unknown-step finding from the stand-in', async () => {
    const root = await tempRepo({ 'template.yaml': TEMPLATE('https://github.com/acme/repo/blob/develop/steps/log.yaml'), 'steps/log.yaml': 'id: log\nname: Log\naction: debug:log\ninput:\n  message: hi\n' });
    commitWithOrigin(root);
    expect(await check(root)).toMatchObject({ status: 0, findings: ['placeholder-other-revision warning@13'] });
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('with a missing target (a step, a page, the whole output, a $text owner or API): only the placeholder-target-missing errors', async () => {
    const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t2
spec:
  type: service
  owner: group:default/team-a
  parameters:
    - $yaml: ./missing-page.yaml
  steps:
    - $yaml: ./missing-step.yaml
    - id: b
      action: debug:log
      input:
        message: \${{ parameters.name }} \${{ steps.log.output.x }}
  output:
    $json: ./missing-output.json
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: c1
spec:
  type: service
  lifecycle: production
  owner: {$text: ./missing-owner.txt}
  providesApis:
    - $text: ./missing-api.txt
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
`;
    const root = await tempRepo({ 'template.yaml': template });
    const { status, findings } = await check(root);
    expect(findings).toEqual(['placeholder-target-missing error@9', 'placeholder-target-missing error@11', 'placeholder-target-missing error@17', 'placeholder-target-missing error@26', 'placeholder-target-missing error@28']);
    expect(status).toBe(1);
    await rm(root, { recursive: true, force: true });
  }, 60_000);

  it('read from this repository and wrong: the findings on what it gives stay', async () => {
    // The step read has no action and another id; the owner read names no valid entity.
    const owner = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: c1
spec:
  type: service
  lifecycle: production
  owner: {$text: ./owner.txt}
`;
    const root = await tempRepo({ 'template.yaml': TEMPLATE('./steps/log.yaml'), 'steps/log.yaml': 'id: other\nname: Log\ninput:\n  message: hi\n', 'component.yaml': owner, 'owner.txt': '(unavailable)' });
    const { status, findings, diagnostics } = await check(root);
    expect(findings).toEqual(['ref-unresolved error@8', 'entity-kind-schema error@12', 'template-unknown-step warning@17']);
    expect(diagnostics.find(d => d.ruleId === 'entity-kind-schema')?.message).toContain("/spec/steps/0 must have required property 'action'");
    expect(diagnostics.find(d => d.ruleId === 'template-unknown-step')?.message).toContain('There is no step with id log');
    expect(status).toBe(1);
    await rm(root, { recursive: true, force: true });
  }, 60_000);
});
