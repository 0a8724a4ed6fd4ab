import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { yamlPackage } from '../load/lazyPackages.ts';
import { DEFAULT_YAML_LIMITS } from '../load/parseYaml.ts';
import { nodeBudgetExceeded } from '../load/yamlNodeBudget.ts';
import { generateCodeownersChecked, type TemplateOwnership } from './generateCodeowners.ts';

export const DEFAULT_PLATFORM_PATHS = ['/schemas/', '/scripts/', '/actions/', '/pipelines/', '/backstage-config/', '/scorecards/', '/gitops.config.yaml', '/package.json', '/package-lock.json', '/.github/'];

/** The CODEOWNERS the catalog generates (`refused`: the paths and team slugs it could not write safely). */
export function codeownersFor(config: GitopsConfig, entities: readonly CatalogEntity[]): { file: string; text: string; refused: Diagnostic[] } | undefined {
  if (!config.codeowners) return undefined;
  const { platformTeam, platformPaths, file } = config.codeowners;
  // Whatever the org's platformPaths say, no team may own the toolkit's config or CODEOWNERS itself.
  const protectedPaths = ['/gitops.config.yaml', `/${file ?? '.github/CODEOWNERS'}`];
  const generated = generateCodeownersChecked({ entities, templates: templateOwnership(config.root), platformTeam, platformPaths: platformPaths ?? DEFAULT_PLATFORM_PATHS, protectedPaths, repoUrl: config.repoUrl, placeholderResolvers: new Set(config.catalog.placeholderResolvers) });
  return { file: file ?? '.github/CODEOWNERS', ...generated };
}

/** Each template folder under templates/ with its spec.owner and the skeleton folders its steps fetch. */
export function templateOwnership(root: string): TemplateOwnership[] {
  const dir = join(root, 'templates');
  if (!existsSync(dir)) return [];
  // Only a regular template.yaml: a link could lead to a host file, and its parse error would quote it.
  return readdirSync(dir).filter(name => isRegularFile(join(dir, name, 'template.yaml'))).sort().map(name => {
    let template: { spec?: { owner?: unknown; steps?: { input?: { url?: unknown } }[] } } | null;
    try {
      const text = readFileSync(join(dir, name, 'template.yaml'), 'utf8');
      // Over the node budget the gate reports it (yaml-node-limit); parsing it here would cost seconds.
      template = nodeBudgetExceeded(text, DEFAULT_YAML_LIMITS.maxNodes) ? null : yamlPackage().parse(text, { logLevel: 'error' });
    } catch {
      template = null;
    }
    const skeletons = (template?.spec?.steps ?? [])
      .map(step => step.input?.url)
      .filter((url): url is string => typeof url === 'string' && !/^[a-z]+:/i.test(url))
      .map(url => posix.normalize(posix.join('templates', name, url)))
      .filter(path => !path.startsWith('..'));
    return { folder: `templates/${name}`, owner: typeof template?.spec?.owner === 'string' ? template.spec.owner : undefined, skeletons };
  });
}

/** A stale CODEOWNERS routes reviews to the wrong team: the committed file must be the generated one. */
export function codeownersGate(expected: { file: string; text: string; refused?: Diagnostic[] } | undefined, committed: string | undefined): Diagnostic[] {
  if (!expected) return [];
  const refused = expected.refused ?? [];
  if (committed === expected.text) return refused;
  return [{
    ruleId: 'codeowners-stale',
    severity: 'error',
    message: committed === undefined ? `${expected.file} is missing.` : `${expected.file} does not match the catalog's ownership.`,
    hint: 'Run `npx backstage-gitops codeowners --write` and commit the result.',
    file: expected.file,
    range: FILE_START,
  }, ...refused];
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
