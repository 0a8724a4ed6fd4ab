import { describe, expect, it } from 'vitest';
import { repoSettingsWeakened } from '../../src/templates/repoSettings.ts';
import type { KnownAction } from '../../src/templates/scaffolderActions.ts';

const template = (action: string, input: Record<string, unknown>, properties: Record<string, unknown> = {}) => ({
  spec: { parameters: [{ properties }], steps: [{ id: 'publish', action, input: { repoUrl: 'github.com?owner=acme&repo=svc', ...input } }] },
});
const found = (t: unknown, actions?: ReadonlyMap<string, KnownAction>) => repoSettingsWeakened(t, actions).map(f => `${f.ruleId} ${f.path.slice(4).join('.')}`);

describe('repoSettingsWeakened: one mutation per case', () => {
  it.each([
    ['publish:github', { repoVisibility: 'public' }, {}, ['template-repo-public repoVisibility']],
    ['publish:github', { repoVisibility: 'internal' }, {}, []],
    ['github:repo:create', { access: 'mallory' }, {}, ['template-repo-admin access']],
    ['github:repo:create', { access: 'acme/platform' }, {}, ['template-repo-admin access']],
    // The handler skips an access equal to repoUrl's owner.
    ['publish:github', { access: 'acme' }, {}, []],
    ['publish:github', { access: '${{ parameters.owner }}' }, {}, []],
    ['publish:github', { collaborators: [{ team: 'data', access: 'admin' }, { user: 'x', access: 'maintain' }] }, {}, ['template-repo-admin collaborators.0.access']],
    ['github:repo:push', { protectEnforceAdmins: false, requiredApprovingReviewCount: 0 }, {}, ['template-repo-unprotected protectEnforceAdmins', 'template-repo-unprotected requiredApprovingReviewCount']],
    ['publish:github', { bypassPullRequestAllowances: { users: ['mallory'] } }, {}, ['template-repo-unprotected bypassPullRequestAllowances']],
    ['publish:github', { bypassPullRequestAllowances: { users: [] }, requireCodeOwnerReviews: false, dismissStaleReviews: false, requiredStatusCheckContexts: [] }, {}, []],
    ['github:branch-protection:create', { enforceAdmins: false, protectDefaultBranch: false }, {}, ['template-repo-unprotected enforceAdmins']],
    // publish:gitlab spreads settings after repoVisibility: settings.visibility decides.
    ['publish:gitlab', { repoVisibility: 'public', settings: { visibility: 'private' } }, {}, []],
    ['publish:gitlab', { settings: { visibility: 'public' } }, {}, ['template-repo-public settings.visibility']],
    ['publish:bitbucketCloud', { repoVisibility: 'public' }, {}, ['template-repo-public repoVisibility']],
    ['publish:azure', { repoVisibility: 'public' }, {}, []],
    ['publish:github', { protectDefaultBranch: '${{ parameters.protect }}' }, { protect: { type: 'boolean', default: true } }, ['template-repo-unprotected protectDefaultBranch']],
    ['publish:github', { protectDefaultBranch: '${{ parameters.protect }}' }, { protect: { type: 'boolean', const: true } }, []],
    ['publish:github', { requiredApprovingReviewCount: '${{ parameters.reviews }}' }, { reviews: { type: 'integer', minimum: 1 } }, []],
    ['publish:github', { repoVisibility: "${{ parameters['visibility'] }}" }, { visibility: { type: 'string' } }, ['template-repo-public repoVisibility']],
    ['publish:github', { repoVisibility: '${{ parameters.visibility }}' }, { visibility: { type: 'string', enum: ['private', 'internal'] } }, []],
    // Another expression (a filter, a fallback) is not judged.
    ['publish:github', { repoVisibility: "${{ parameters.visibility or 'public' }}" }, { visibility: { type: 'string' } }, []],
  ] as const)('%s %j', (action, input, properties, expected) => {
    expect(found(template(action, input as Record<string, unknown>, properties as Record<string, unknown>))).toEqual(expected);
  });

  it("does not judge an input the installed action's own schema lacks", () => {
    const actions = new Map<string, KnownAction>([['publish:github', { id: 'publish:github', provider: 'x', supportsDryRun: false, inputSchema: { properties: { repoUrl: {} } } }]]);
    expect(found(template('publish:github', { repoVisibility: 'public' }), actions)).toEqual([]);
  });
});
