import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';
import { generateCodeowners } from './generateCodeowners.ts';

export const DEFAULT_PLATFORM_PATHS = ['/schemas/', '/scripts/', '/actions/', '/pipelines/', '/backstage-config/', '/scorecards/', '/gitops.config.yaml', '/package.json', '/package-lock.json', '/.github/'];

export function codeownersFor(config: GitopsConfig, entities: readonly CatalogEntity[]): { file: string; text: string } | undefined {
  if (!config.codeowners) return undefined;
  const { platformTeam, platformPaths, file } = config.codeowners;
  return {
    file: file ?? '.github/CODEOWNERS',
    text: generateCodeowners({ entities, platformTeam, platformPaths: platformPaths ?? DEFAULT_PLATFORM_PATHS, repoUrl: config.repoUrl }),
  };
}

/** A stale CODEOWNERS routes reviews to the wrong team: the committed file must be the generated one. */
export function codeownersGate(expected: { file: string; text: string } | undefined, committed: string | undefined): Diagnostic[] {
  if (!expected || committed === expected.text) return [];
  return [{
    ruleId: 'codeowners-stale',
    severity: 'error',
    message: committed === undefined ? `${expected.file} is missing.` : `${expected.file} does not match the catalog's ownership.`,
    hint: 'Run `npx backstage-gitops codeowners --write` and commit the result.',
    file: expected.file,
    range: FILE_START,
  }];
}
