import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A fresh user without gitops.config.yaml: their catalog-info.yaml holds User guest, a case renders as
// user:default/guest, and templates test said the user "has no entity in the catalog known here" with the
// hint to render as a User the catalog holds, which it does: no catalog was loaded at all (only catalog.roots
// makes templates load one). The case line said ✖ while the summary said ✔ 0 errors, 1 warning, exit 0.
const USER = 'apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: guest\nspec:\n  memberOf: []\n';
const TEMPLATE = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t2\nspec:\n  type: service\n  owner: guest\n  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: ${{ user.entity.metadata.name }}\n';
const CASE = 'name: as guest\nvalues: {}\nuser: {ref: "user:default/guest"}\nsnapshot: false\n';

describe('templates test when a case reads user.entity and no catalog is loaded (through the bin)', () => {
  it('says no catalog was loaded and how to load one; the case line shows a warning, not a failure', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': USER, 'templates/t2/template.yaml': TEMPLATE, 'templates/t2/tests/a.yaml': CASE });
    const run = await runBin(['templates', 'test', '--root', root], root, { NO_COLOR: '1' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const out = run.stdout + run.stderr;
    expect(out).toContain('template-user-entity-missing');
    expect(out).toContain('no catalog is loaded here to find the task\'s user user:default/guest in');
    expect(out).toContain('catalog.roots in gitops.config.yaml');
    expect(out).not.toContain('has no entity in the catalog known here');
    expect(out).toMatch(/^⚠ t2 \/ a\.yaml \(\d+ ms\)$/m);
    expect(out).not.toMatch(/^✖ t2/m);
  }, 60_000);
});
