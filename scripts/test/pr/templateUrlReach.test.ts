import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// `report` renders the cases of the templates whose fetch steps read a changed file. A step's url was only
// counted when it was a plain relative path: one built from an expression (`../../skeletons/${{ … }}`, the
// scaffolder renders it with the parameters) or a url into this repository named nothing, so a skeleton edit
// without its snapshot passed `report` (exit 0, no Templates section) while `templates test` failed on main
// from then on.

async function urlOnMain(url: string): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  edit(root, 'templates/go-service/template.yaml', t => t.replace('        url: ../../skeletons/go-service\n', `        url: ${url}\n`));
  const tested = await runBin(['templates', 'test', 'go-service'], root);
  expect(tested.status, tested.stdout + tested.stderr).toBe(0);
  commit(root, 'go-service: the url');
  return { root, base: startPullRequest(root) };
}

describe('report: template cases reached through a fetch url the scaffolder builds', () => {
  for (const url of [
    "../../skeletons/${{ parameters.language or 'go' }}-service",
    '${{ "../../skeletons/go-service" }}',
    // A url into this repository (gitops.config.yaml's repoUrl), which the offline render reads from the checkout.
    'https://github.com/acme/backstage-control/tree/main/skeletons/go-service',
    "https://github.com/acme/backstage-control/tree/${{ 'main' }}/skeletons/go-service",
  ]) {
    it(`renders them when the skeleton a url like ${url} fetches changes`, async () => {
      const { root, base } = await urlOnMain(url);
      edit(root, 'skeletons/go-service/Dockerfile', t => `${t}HEALTHCHECK CMD wget -qO- http://127.0.0.1/healthz\n`);
      commit(root, 'a HEALTHCHECK, snapshot not updated');
      expect((await runBin(['templates', 'test', 'go-service'], root)).status).toBe(1);
      const { json } = await runReport(root, base);
      expect(json.diagnostics.filter(d => d.ruleId === 'template-snapshot').map(d => d.file).sort()).toEqual(['templates/go-service/tests/default-namespace.yaml', 'templates/go-service/tests/default.yaml']);
      expect(json.exitCode).toBe(1);
    }, 180_000);
  }
});
