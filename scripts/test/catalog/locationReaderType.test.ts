import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Seen in ayointegral/cloud-sandbox-backstage, a Backstage app's own repository: its app-config.yaml registers
// catalog/catalog-info.yaml with `type: file`, and that Location says `type: file` with relative targets, which
// Backstage then reads beside it (toAbsoluteUrl: same type). Run without gitops.config.yaml, the gate takes every
// root as read by url and says the Location fails; its hint offered only to change the Location, not the
// setting (catalog.rootLocationType) that makes the gate read the files as that Backstage does.
// And in platformnow/software-templates: a Location target into this repository at another branch was said to
// differ from "repoUrl in gitops.config.yaml" when there is no such file (the branch came from the checkout).

interface Finding { ruleId: string; severity: string; message: string; hint: string }
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;
const location = (spec: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n${spec}`;
const findings = (stdout: string, ruleId: string) => (JSON.parse(stdout).diagnostics as Finding[]).filter(d => d.ruleId === ruleId);

describe("the type the gate reads a catalog's root file by", () => {
  it('a type: file Location read as url names catalog.rootLocationType, which makes it pass', async () => {
    const root = await tempRepo({ 'catalog/catalog-info.yaml': location('  type: file\n  targets:\n    - ./org.yaml\n'), 'catalog/org.yaml': group('team-a') });
    const run = await runBin(['check', '--format', 'json'], root);
    const [finding] = findings(run.stdout, 'location-target-invalid');
    // Backstage's default allowed types are [url]: the orchestrator refuses the type first; the hint names the setting.
    expect(finding.message).toContain("Location type 'file' is not allowed here");
    expect(finding.hint).toContain("if your Backstage registers this repository's catalog with type: file (catalog.locations in its app-config), set catalog.rootLocationType: file in gitops.config.yaml instead.");
    writeFileSync(join(root, 'gitops.config.yaml'), 'catalog:\n  roots: [catalog/catalog-info.yaml]\n  rootLocationType: file\n');
    const fixed = await runBin(['check', '--format', 'json'], root);
    expect({ status: fixed.status, found: (JSON.parse(fixed.stdout).diagnostics as Finding[]).map(d => d.ruleId) }).toEqual({ status: 0, found: [] });
  }, 60_000);

  it('a target into this repository at another branch says where the reviewed branch came from', async () => {
    const files = { 'catalog-info.yaml': location('  targets:\n    - ./org.yaml\n    - https://github.com/acme/control/blob/develop/org.yaml\n'), 'org.yaml': group('team-a') };
    const root = await tempRepo(files);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'remote', 'add', 'origin', 'https://github.com/acme/control.git');
    const inferred = findings((await runBin(['check', '--format', 'json'], root)).stdout, 'location-target-other-revision');
    expect(inferred.map(d => `${d.severity} ${d.message}`)).toEqual([expect.stringMatching(/^warning .*than main \(the branch git names for this checkout: origin's HEAD, else the one checked out, as no gitops.config.yaml sets repoUrl\): /)]);
    writeFileSync(join(root, 'gitops.config.yaml'), 'repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog-info.yaml]\n');
    const configured = findings((await runBin(['check', '--format', 'json'], root)).stdout, 'location-target-other-revision');
    expect(configured.map(d => `${d.severity} ${d.message}`)).toEqual([expect.stringMatching(/^error .*than main \(repoUrl in gitops.config.yaml\): /)]);
  }, 60_000);
});
