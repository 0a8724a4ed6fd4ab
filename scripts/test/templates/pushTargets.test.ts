import { describe, expect, it } from 'vitest';
import { fixedPushTargets } from '../../src/templates/pushTargets.ts';

const PICKER = { type: 'string', 'ui:field': 'RepoUrlPicker', 'ui:options': { allowedHosts: ['github.com'], allowedOwners: ['acme'] } };
const template = (action: string, repoUrl: string, properties: Record<string, unknown> = {}, step: Record<string, unknown> = {}, before: unknown[] = []) => ({
  spec: { parameters: [{ properties: { repoUrl: PICKER, ...properties } }], steps: [...before, { id: 'push', action, input: { repoUrl, sourcePath: 'hub' }, ...step }] },
});
const found = (t: unknown) => fixedPushTargets(t).map(f => `${f.ruleId} ${f.path.join('.')}`);
const AT = ['template-push-fixed-repo spec.steps.0.input.repoUrl'];

describe('fixedPushTargets: one mutation per case', () => {
  it.each([
    // Written out: every push action of the modules, installed or not.
    ['publish:github:pull-request', 'github.com?owner=acme&repo=payments-core', {}, {}, AT],
    ['github:repo:push', 'github.com?owner=acme&repo=payments-core', {}, {}, AT],
    ['publish:gitlab:merge-request', 'gitlab.com?owner=acme&repo=payments-core', {}, {}, AT],
    ['gitlab:repo:push', 'gitlab.com?project=1234', {}, {}, AT],
    ['publish:bitbucketCloud:pull-request', 'bitbucket.org?workspace=acme&project=PAY&repo=core', {}, {}, AT],
    ['publish:bitbucketServer:pull-request', 'bitbucket.acme.example?project=PAY&repo=core', {}, {}, AT],
    ['publish:gerrit:review', 'gerrit.acme.example?repo=payments-core', {}, {}, AT],
    // Actions that create a new repository, or write none, are not this rule's.
    ['publish:github', 'github.com?owner=acme&repo=payments-core', {}, {}, []],
    ['github:issues:create', 'github.com?owner=acme&repo=payments-core', {}, {}, []],
    // The user's choice: a RepoUrlPicker, a name typed in, a value derived from it.
    ['publish:github:pull-request', '${{ parameters.repoUrl }}', {}, {}, []],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.name }}', { name: { type: 'string' } }, {}, []],
    ['publish:github:pull-request', "github.com?owner=acme&repo=${{ parameters['name'] | lower }}-config", { name: { type: 'string' } }, {}, []],
    // Not known here: a step's output, the user, the whole parameters, a global function.
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ steps.fetch.output.entity.metadata.name }}', {}, {}, []],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ user.entity.metadata.name }}', {}, {}, []],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ hubName() }}', {}, {}, []],
    // Fixed by the author: the owner may be the user's, the repository is not.
    ['publish:github:pull-request', 'github.com?owner=${{ parameters.owner }}&repo=payments-core', { owner: { type: 'string' } }, {}, AT],
    ['publish:github:pull-request', '${{ parameters.hub }}', { hub: { type: 'string', const: 'github.com?owner=acme&repo=payments-core' } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.hub }}', { hub: { type: 'string', enum: ['payments-core', 'billing'] } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.hub }}', { hub: { type: 'string', default: 'payments-core', 'ui:widget': 'hidden' } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.hub }}', { hub: { type: 'string', default: 'payments-core', 'ui:readonly': true } }, {}, AT],
    ['publish:github:pull-request', "github.com?owner=acme&repo=${{ 'payments-core' if parameters.prod else 'billing' }}", { prod: { type: 'boolean' } }, {}, AT],
    ['publish:github:pull-request', "github.com?owner=acme&repo=${{ 'payments' + '-core' }}", {}, {}, AT],
    ['publish:github:pull-request', '${{ parameters.hub }}', { hub: { ...PICKER, 'ui:options': { allowedOwners: ['acme'], allowedRepos: ['payments-core'] } } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ each.value }}', {}, { each: ['payments-core', 'billing'] }, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ each.value }}', {}, { each: '${{ parameters.repos }}' }, []],
    // Red team 2: judged by evaluation, not by what the expression mentions.
    ['publish:github:pull-request', "github.com?owner=acme&repo=${{ 'payments-core' or parameters.name }}", { name: { type: 'string' } }, {}, AT],
    ['publish:github:pull-request', "github.com?owner=acme&repo=${{ parameters.name | replace(parameters.name, 'payments-core') }}", { name: { type: 'string' } }, {}, AT],
    ['publish:github:pull-request', "github.com?owner=acme&repo=${{ 'payments-core' if steps else 'x' }}", {}, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ each.value }}', {}, { each: "${{ ['payments-core'] }}" }, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.hub }}', { hub: { type: 'string', default: 'payments-core', 'ui:options': { widget: 'hidden' } } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.hub }}', { hub: { type: 'string', default: 'payments-core', 'ui:options': { disabled: true } } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.hub }}', { hub: { type: 'string', default: 'payments-core', readOnly: true } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.hub }}', { hub: { type: 'string', oneOf: [{ const: 'payments-core', title: 'Payments' }] } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.hub }}', { hub: { type: 'string', anyOf: [{ const: 'payments-core' }] } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.pushD.repo }}', { pushD: { type: 'object', properties: { repo: { type: 'string', const: 'payments-core' } } } }, {}, AT],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.pushD.repo }}', { pushD: { type: 'object', properties: { repo: { type: 'string', default: 'payments-core', 'ui:widget': 'hidden' } } } }, {}, AT],
    // …and still the user's when what the user gives survives.
    ['publish:github:pull-request', "github.com?owner=acme&repo=${{ parameters.name or 'payments-core' }}", { name: { type: 'string' } }, {}, []],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ parameters.pushD.repo }}', { pushD: { type: 'object', properties: { repo: { type: 'string' } } } }, {}, []],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ (parameters.repoUrl | parseRepoUrl).repo }}-config', {}, {}, []],
    ['publish:github:pull-request', 'github.com?owner=acme&repo=${{ each.value }}', {}, { each: '${{ [parameters.name] }}' }, []],
    // A value whose host an expression writes carries its own query: the user's.
    ['publish:github:pull-request', '${{ parameters.repoUrl }}&repo=payments-core', {}, {}, []],
  ] as const)('%s %s', (action, repoUrl, properties, step, expected) => {
    expect(found(template(action, repoUrl, properties, step))).toEqual(expected);
  });

  it('names the repository, what the step does and who fixes it', () => {
    const [f] = fixedPushTargets(template('publish:github:pull-request', '${{ parameters.hub }}', { hub: { type: 'string', default: 'github.com?owner=acme&repo=payments-core', 'ui:widget': 'hidden' } }));
    expect(f.severity).toBe('error');
    expect(f.message).toContain('publish:github:pull-request writes into repoUrl "${{ parameters.hub }}", an existing repository the user running the template does not choose, fixed by the template (parameters.hub: a hidden field): once merged, every run pushes a branch there and opens a pull request');
    expect(f.message).toContain('its sourcePath "hub"');
  });

  it('leaves a push into the repository an earlier step of the run creates from the same repoUrl', () => {
    const create = { id: 'create', action: 'github:repo:create', input: { repoUrl: 'github.com?owner=acme&repo=hub' } };
    expect(found(template('github:repo:push', 'github.com?owner=acme&repo=hub', {}, {}, [create]))).toEqual([]);
    expect(found(template('github:repo:push', 'github.com?owner=acme&repo=payments-core', {}, {}, [create]))).toEqual(['template-push-fixed-repo spec.steps.1.input.repoUrl']);
  });

  it('lets only a creator that runs on every run, once, clear the push (not one under if: or each:)', () => {
    for (const condition of [{ if: '${{ false }}' }, { if: '${{ parameters.create }}' }, { each: ['a'] }]) {
      const create = { id: 'create', action: 'publish:github', input: { repoUrl: 'github.com?owner=acme&repo=payments-core' }, ...condition };
      expect(found(template('publish:github:pull-request', 'github.com?owner=acme&repo=payments-core', {}, {}, [create]))).toEqual(['template-push-fixed-repo spec.steps.1.input.repoUrl']);
    }
  });
});
