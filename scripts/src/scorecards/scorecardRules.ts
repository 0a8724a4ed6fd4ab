import { RuleRegistry, type Rule } from '../rules.ts';

const rules: Rule[] = [
  { id: 'scorecard-schema', severity: 'error', description: 'A document under scorecards/ does not match schemas/scorecards.schema.json.', example: 'kind: Check\nid: has.dots' },
  { id: 'scorecard-duplicate-id', severity: 'error', description: 'Two checks share an id (it becomes an app-config key).', example: 'id: ownedByGroup  # in two files' },
  { id: 'scorecard-unknown-level', severity: 'error', description: "A check's level is not in the ladder.", example: 'level: platinum' },
  { id: 'scorecard-unknown-fact', severity: 'error', description: "A rule uses a fact its factIds' schemas do not define (Tech Insights fails the whole entity).", example: 'factIds: [techdocsFactRetriever]\nrule: {conditions: {all: [{fact: hasOwner, …}]}}' },
  { id: 'scorecard-unknown-check', severity: 'error', description: 'A scorecard or initiative names a check or scorecard that does not exist.', example: 'checks: [hasDocs]' },
  { id: 'scorecard-unsupported', severity: 'error', description: 'Something the target jsonfc cannot express or throws on: unknown operator, top-level not, null value, a rule priority below 1, a value naming an undefined fact, a $file/$env/$include key, a deployed retriever id the backend cannot read as a config key, a JSONPath jsonpath-plus throws on, filters on old versions.', example: 'operator: matchesRegex' },
  { id: 'scorecard-rule-trap', severity: 'error', description: 'A json-rules-engine trap: in with a string (substring), empty all/any, numeric operators on strings, JSONPath on non-objects.', example: 'operator: in\nvalue: production' },
  { id: 'scorecard-test-failed', severity: 'error', description: "A check's golden case no longer gives the expected outcome.", example: 'tests: [{facts: {…}, expect: pass}]  # now fails' },
  { id: 'scorecard-exemption-expired', severity: 'error', description: 'An exemption is past its expiry date.', example: "expires: '2025-01-31'" },
  { id: 'scorecard-exemption-too-long', severity: 'error', description: 'An exemption runs longer than maxExemptionDays.', example: "created: '2026-01-01'\nexpires: '2027-06-30'" },
  { id: 'scorecard-exemption-unknown', severity: 'error', description: 'An exemption names an entity or check that does not exist.', example: 'entityRef: component:default/gone' },
  { id: 'scorecard-config-stale', severity: 'error', description: 'The generated Tech Insights app-config differs from what scorecards/ compiles to.', example: '# a check edited without --write-config' },
  { id: 'scorecard', severity: 'error', description: 'scorecard/<checkId>: a blocking check fails on an entity the change touches, or an overdue initiative fails.', example: '# a new production service without pagerduty.com/service-id' },
  { id: 'codeowners-claim-outside', severity: 'error', description: "A placeholder target or TechDocs folder outside the folder of the entity's own file, a template skeleton url outside templates/<name>/ and skeletons/<name>/, a folder that defines entities, or a path another team's line also names (the same path, a folder around it or a path inside it): CODEOWNERS gives it no team line (the platform team reviews it), so no field or fetch url can hand a team CI config, root folders or another team's files.", example: 'definition:\n  $text: ../../../vitest.config.ts' },
  { id: 'codeowners-platform-path', severity: 'error', description: "A catalog field (placeholder target, TechDocs folder, template skeleton url) would give a team a CODEOWNERS line for a platform path (codeowners.platformPaths, the config, the CODEOWNERS file): last match wins, so that team alone could approve changes to it. The line is left out.", example: 'description:\n  $text: ../../.github/workflows/main.yml' },
  { id: 'codeowners-unsafe-path', severity: 'error', description: 'A file or folder the catalog owns has a name CODEOWNERS cannot write safely (control characters, whitespace, #, wildcards); it stays with the platform team.', example: '# catalog/x.yaml<newline>* @org/team' },
  { id: 'codeowners-team-invalid', severity: 'error', description: 'github.com/team-slug is not a GitHub org/team slug, so CODEOWNERS ignores it, or another Group gives the same slug a different dev.azure.com/team-id.', example: 'github.com/team-slug: "acme/a team"' },
  { id: 'codeowners-team-unknown', severity: 'info', description: "An owning group names no GitHub team (no github.com/team-slug, not brought by the GitHub org provider), so CODEOWNERS gives its files to the platform team.", example: 'owner: group:default/payments  # an Entra ID group' },
  { id: 'codeowners-stale', severity: 'error', description: "CODEOWNERS differs from what the catalog's ownership generates.", example: '# an entity moved to another team without codeowners --write' },
  { id: 'schema-stale', severity: 'error', description: "The editor's JSON Schema for catalog files differs from what the policies, the pinned Backstage packages and the catalog generate.", example: '# a policy edited without schema --write' },
];

export const scorecardRules = rules.reduce((registry, rule) => registry.add(rule), new RuleRegistry());
