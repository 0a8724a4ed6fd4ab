import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// pipelines/main.yml's gate writes its JUnit to $(Build.ArtifactStagingDirectory)/junit/…, a folder no step
// makes (Azure empties the staging folder before each build). The bin refused with "…/.backstage-gitops.xml.<pid>.tmp
// does not exist" (exit 2), so every run on main failed at the gate and nothing was published or synced.
describe('the gate step of pipelines/main.yml, run as the agent runs it', () => {
  it('writes its JUnit into a staging folder that has no junit/ yet, and still prints the azure format', async () => {
    const pipeline = parse(readFileSync(join(REPO_ROOT, 'pipelines/main.yml'), 'utf8'));
    const script: string = pipeline.stages[0].jobs[0].steps.find((s: { script?: string }) => s.script?.startsWith('npm run check -- ')).script;
    const staging = mkdtempSync(join(tmpdir(), 'ado-staging-'));
    const repo = await dataRepoCopy();
    try {
      const args = script.slice('npm run check -- '.length).replaceAll('$(Build.ArtifactStagingDirectory)', staging).split(/\s+/).filter(Boolean);
      expect(args).toContain(`${staging}/junit/backstage-gitops.xml`);
      const run = await runBin(['check', ...args], repo, { TF_BUILD: 'True', BUILD_SOURCESDIRECTORY: repo });
      expect(run.stderr).not.toContain('does not exist');
      expect(run.status).toBe(0);
      expect(readFileSync(join(staging, 'junit/backstage-gitops.xml'), 'utf8')).toContain('<testsuites');
      expect(run.stdout).toContain('##vso[task.complete result=Succeeded;]');
    } finally {
      rmSync(staging, { recursive: true, force: true });
      rmSync(repo, { recursive: true, force: true });
    }
  }, 120_000);

  it('report --output into a folder that does not exist yet writes the file and leaves no temporary file', async () => {
    const repo = await dataRepoCopy();
    try {
      const out = join(repo, '..', `${repo.split('/').pop()}-out`, 'deep', 'report.md');
      const run = await runBin(['report', '--base', 'HEAD', '--output', out], repo);
      expect(run.status).toBe(0);
      expect(existsSync(out)).toBe(true);
      rmSync(join(out, '..', '..'), { recursive: true, force: true });
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 120_000);
});
