import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { harms, OWN_AZURE_LINE, OWN_GITHUB_LINE } from './hostilePullRequest.ts';
import { runBin } from './runBin.ts';

describe('library warnings quoting YAML never reach stderr raw (shipped bin)', () => {
  // The yaml library warns about an unknown tag through process.emitWarning, quoting the source line.
  const TAGGED = ['::add-mask::tpl: !custom 1', 'x##vso[task.setvariable variable=PWNVAR]evil: !custom 1', ''].join('\n');
  let repo: string;
  let base: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    base = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-q', '-b', 'tagged');
    appendFileSync(join(repo, 'templates/add-redis-cache/template.yaml'), TAGGED);
    appendFileSync(join(repo, 'mkdocs.yml'), TAGGED);
    git(repo, 'commit', '-qam', 'tags');
  }, 60_000);

  for (const format of ['azure', 'github']) {
    it(`check --format ${format}: no warning on stderr, no command but the format's own`, async () => {
      const run = await runBin(['check', '--format', format], repo);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('PWNVAR');
      expect(run.stderr).not.toMatch(/YAMLWarning|Warning/);
      expect(harms(run.stdout + run.stderr, format === 'azure' ? OWN_AZURE_LINE : OWN_GITHUB_LINE)).toEqual([]);
    }, 60_000);
  }

  it('report and codeowners --check: no warning on stderr', async () => {
    for (const args of [['report', '--base', base], ['codeowners', '--check']]) {
      const run = await runBin(args, repo);
      expect(run.status, args[0]).not.toBeNull();
      expect(run.stderr).not.toMatch(/YAMLWarning|Warning|add-mask|PWNVAR/);
      expect(harms(run.stdout + run.stderr)).toEqual([]);
    }
  }, 120_000);

  it('techdocs build: a tag in mkdocs.yml prints no warning and no command', async () => {
    const run = await runBin(['techdocs', 'build', '--changed-since', base], repo);
    expect(run.stderr).toContain('mkdocs.yml');
    expect(run.stderr).not.toMatch(/YAMLWarning|TAG_RESOLVE_FAILED/);
    expect(harms(run.stdout + run.stderr)).toEqual([]);
  }, 120_000);
});

describe("GitHub's legacy ##[command] form is broken wherever a value puts it (shipped bin)", () => {
  const OWNER = 'x ##[set-output name=verdict;]pass ##[stop-commands]tok ##[add-mask]x ##[ERROR]x';
  let repo: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    appendFileSync(join(repo, 'catalog/platform/backstage-control.yaml'), ['---', 'apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata:', '  name: legacy', 'spec:', '  type: service', '  lifecycle: production', `  owner: ${JSON.stringify(OWNER)}`, ''].join('\n'));
  }, 60_000);

  it('stylish, junit, json, markdown, github and azure carry the value but no command', async () => {
    for (const format of ['stylish', 'junit', 'json', 'markdown', 'github', 'azure']) {
      const run = await runBin(['check', '--no-color', '--format', format], repo);
      expect(run.status, format).toBe(1);
      expect(run.stdout, format).toContain('verdict');
      const own = format === 'github' ? OWN_GITHUB_LINE : format === 'azure' ? OWN_AZURE_LINE : undefined;
      expect(harms(run.stdout + run.stderr, own), format).toEqual([]);
    }
  }, 180_000);
});
