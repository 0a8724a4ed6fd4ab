import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostic.ts';
import { errorPath, leafErrors } from '../catalog/ajvPaths.ts';
import { isRecord, type SourceFile } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readSource } from '../load/readSource.ts';
import { isYamlFile, listRepoFiles } from '../load/repoFiles.ts';
import { gitHostView } from '../load/gitHostView.ts';
import { toolkitSchemaShown, toolkitValidator } from '../config/toolkitSchemas.ts';
import type { Located, ScorecardData } from './model.ts';

const LISTS = { FactRetriever: 'retrievers', Check: 'checks', Scorecard: 'scorecards', Exemption: 'exemptions', Initiative: 'initiatives' } as const;

// ajv-formats' full `date` format: RFC 3339 full-date, a real day of a real month (leap years included).
const notADate = (error: ErrorObject) => error.keyword === 'format' && error.params.format === 'date';

/** The value at a JSON Pointer (Ajv's instancePath) in a parsed document. */
function valueAt(doc: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
}

/** Reads every YAML document under `scorecards/`, checks it against schemas/scorecards.schema.json and sorts it by kind. */
export async function loadScorecards(root: string, folder = 'scorecards'): Promise<{ data: ScorecardData; diagnostics: Diagnostic[] }> {
  // What git ignores and does not track is not on the git host, which Backstage and CI read.
  const view = gitHostView(root);
  const files = (await listRepoFiles(`${root}/${folder}`, undefined, undefined, undefined, path => view.ignored(`${folder}/${path}`))).filter(isYamlFile);
  const data: ScorecardData = { retrievers: [], checks: [], scorecards: [], exemptions: [], initiatives: [] };
  const diagnostics: Diagnostic[] = [];
  const validate = toolkitValidator('scorecards');
  for (const name of files) {
    const file = `${folder}/${name}`;
    const read = readSource(`${root}/${file}`, file, 1024 * 1024);
    if ('problem' in read) {
      diagnostics.push(read.problem);
      continue;
    }
    const parsed = parseYaml(read.text, file);
    const source: SourceFile = { file, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate };
    diagnostics.push(...parsed.problems);
    parsed.documents.forEach((doc, document) => {
      if (doc === null || doc === undefined) return;
      if (!isRecord(doc) || !validate!(doc)) {
        for (const error of leafErrors(validate!.errors ?? [{ instancePath: '', keyword: 'type', params: {}, schemaPath: '', message: 'must be a mapping' }])) {
          const { path, key } = errorPath(error);
          diagnostics.push({
            ruleId: 'scorecard-schema',
            severity: 'error',
            message: `${error.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'document'} ${notADate(error) ? `${JSON.stringify(valueAt(doc, error.instancePath)).slice(0, 40)} is not a calendar date` : error.message}`,
            hint: notADate(error) ? 'Write a date that exists, as YYYY-MM-DD (months 01-12, days up to the last of that month).' : `See ${toolkitSchemaShown('scorecards', root)} for the format of each kind.`,
            file,
            range: source.locate(document, path, { key }),
          });
        }
        return;
      }
      // Backstage compares entity refs lower-cased (stringifyEntityRef, toLocaleLowerCase('en-US')): so do exemptions.
      if (doc.kind === 'Exemption' && typeof doc.entityRef === 'string') doc.entityRef = doc.entityRef.toLocaleLowerCase('en-US');
      const located = { value: doc, source, document } as Located<never>;
      if (doc.kind === 'ScorecardConfig' && data.config) {
        // One configuration: with two, which output, levels and target hold would depend on file order.
        diagnostics.push({
          ruleId: 'scorecard-schema',
          severity: 'error',
          message: `A second ScorecardConfig: scorecards/ holds one already, in ${data.config.source.file}. Only one sets the levels, the target and the output file.`,
          hint: `Keep one ScorecardConfig (scorecards/config.yaml) and remove this one.`,
          file,
          range: source.locate(document, ['kind']),
        });
      } else if (doc.kind === 'ScorecardConfig') data.config = located;
      else data[LISTS[doc.kind as keyof typeof LISTS]].push(located);
    });
  }
  return { data, diagnostics };
}
