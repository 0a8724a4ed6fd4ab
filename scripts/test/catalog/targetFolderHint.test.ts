import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// cat51: a Location target naming a folder (`./services/payments/`, or the same without the slash) was
// told "matches no file (looked for services/payments)" with only "Targets are relative to the Location's
// file." as the fix, though the folder is there, holding the catalog file meant. Backstage reads a target as
// one file (or a pattern's matches), never a folder's contents, so the hint now says so and names the file.
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;
const location = (targets: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: services\nspec:\n  targets: [${targets.join(', ')}]\n`;

type Finding = { ruleId: string; message: string; hint: string };

async function missing(tree: Record<string, string>): Promise<Finding> {
  const root = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', ...tree });
  const run = await runBin(['check', '--format', 'json'], root);
  await rm(root, { recursive: true, force: true });
  return (JSON.parse(run.stdout).diagnostics as Finding[]).find(d => d.ruleId === 'location-target-missing')!;
}

describe('a Location target that names a folder', () => {
  it('is told it is a folder, with the catalog file in it and patterns to write instead', async () => {
    const files = { 'catalog/services/payments/catalog-info.yaml': component('payments'), 'catalog/services/payments/README.md': '# payments\n' };
    for (const target of ['./services/payments/', './services/payments']) {
      const finding = await missing({ 'catalog/all.yaml': location([target]), ...files });
      expect(finding.message).toContain(`Location target ${target} matches no file`);
      expect(finding.hint).toBe("catalog/services/payments/ is a folder: Backstage reads a target as one file (or the files a pattern matches), not a folder's contents. Name a file or a pattern instead: ./services/payments/catalog-info.yaml, ./services/payments/*.yaml, ./services/payments/**/catalog-info.yaml.");
    }
  }, 60_000);

  it('without a YAML file directly in it, offers the patterns only; a missing path keeps its old hint', async () => {
    const nested = await missing({ 'catalog/all.yaml': location(['./teams/']), 'catalog/teams/a/group.yaml': component('a') });
    expect(nested.hint).toBe("catalog/teams/ is a folder: Backstage reads a target as one file (or the files a pattern matches), not a folder's contents. Name a file or a pattern instead: ./teams/*.yaml, ./teams/**/catalog-info.yaml.");
    const absent = await missing({ 'catalog/all.yaml': location(['./nothing/here.yaml']), 'catalog/x.yaml': component('x') });
    expect(absent.hint).toBe("Targets are relative to the Location's file.");
  }, 60_000);

  // Reviewer of 841f70e8: `./` named the Location's own file (and wrote `.//*.yaml`); `..` named the parent
  // Location that reached it, a cycle. Neither is offered; the folder is written `.` or `..`.
  it('never offers the Location itself or the Location that reached it, and writes . and .. as they are', async () => {
    const own = await missing({ 'catalog/all.yaml': location(['./']), 'catalog/x.yaml': component('x') });
    expect(own.hint).toBe("catalog/ is a folder: Backstage reads a target as one file (or the files a pattern matches), not a folder's contents. Name a file or a pattern instead: ./x.yaml, ./*.yaml, ./**/catalog-info.yaml.");
    const parent = await missing({ 'catalog/all.yaml': location(['./sub/loc.yaml']), 'catalog/sub/loc.yaml': location(['..']).replace('name: services', 'name: sub'), 'catalog/sub/c.yaml': component('c') });
    expect(parent.hint).toBe("catalog/ is a folder: Backstage reads a target as one file (or the files a pattern matches), not a folder's contents. Name a file or a pattern instead: ../*.yaml, ../**/catalog-info.yaml.");
  }, 60_000);
});
