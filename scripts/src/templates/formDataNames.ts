import { posix } from 'node:path';
import { parseYaml } from '../load/parseYaml.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { pickTemplate } from './pickTemplate.ts';

// Cases are small; a larger file is no case anyone wrote by hand, and is not read for this.
const MAX_CASE_BYTES = 256 * 1024;

/**
 * The parameter names the test cases of one Template give values for: the keys of `values:` in the
 * .yaml/.yml files of the tests/ folder beside `templateFile` (snapshots excepted) that `repoFiles` holds,
 * of the cases that render this Template (`documents[index]`, chosen as runCase chooses with pickTemplate).
 * A case that gives a value for a parameter no page declares passes it on purpose: Backstage's Stepper
 * starts from the URL's `?formData=` (useFormDataFromQuery) and submits the whole form state, and the
 * backend validates each page's schema only, which lets keys no page declares through to `parameters`.
 * Takes the repository root, the template file (repo-relative), its parsed documents, the Template's index
 * and the repository's files; reads the case files; never throws (a case that cannot be read gives nothing).
 */
export function formDataNames(root: string, templateFile: string, documents: readonly unknown[], index: number, repoFiles: ReadonlySet<string>): Set<string> {
  const names = new Set<string>();
  const folder = posix.dirname(templateFile);
  const prefix = `${folder === '.' ? '' : `${folder}/`}tests/`;
  for (const file of repoFiles) {
    if (!file.startsWith(prefix) || file.slice(prefix.length).includes('/') || !/\.ya?ml$/.test(file) || file.includes('.snapshot.')) continue;
    try {
      const text = readRepoFile(root, file, 'utf8');
      if (text.length > MAX_CASE_BYTES) continue;
      const testCase = parseYaml(text, file).documents[0];
      if (!isRecord(testCase) || !isRecord(testCase.values)) continue;
      const pick = pickTemplate(documents, typeof testCase.template === 'string' ? testCase.template : undefined);
      if (!('index' in pick) || pick.index !== index) continue;
      for (const name of Object.keys(testCase.values)) names.add(name);
    } catch {
      // A link out of the repository, or a file gone since listing: its case reports it in templates test.
    }
  }
  return names;
}
