import { RuleRegistry, type Rule } from '../rules.ts';

const rules: Rule[] = [
  { id: 'template-parameters-invalid', severity: 'error', description: 'A parameter page is not a valid JSON Schema.', example: 'properties:\n  port: {type: integr}' },
  { id: 'template-unknown-parameter', severity: 'error', description: 'An expression names a parameter the template does not declare (it renders empty).', example: 'name: ${{ parameters.nmae }}' },
  { id: 'template-unknown-parameter-fallback', severity: 'warning', description: 'An expression with a fallback names a parameter the template does not declare: the fallback always applies.', example: "namespace: ${{ parameters.namespace or 'apps' }}  # no namespace parameter" },
  { id: 'template-unknown-filter', severity: 'error', description: "An expression in template.yaml uses a filter the scaffolder's renderer does not have: the whole value is passed on as raw text.", example: "createdAt: ${{ '' | now }}" },
  { id: 'template-unknown-step', severity: 'error', description: 'An expression reads a step that does not exist or has not run yet.', example: 'url: ${{ steps.publish.output.remoteUrl }}  # before publish' },
  { id: 'template-action-not-allowed', severity: 'error', description: 'A step uses an action outside schemas/template-policy/actions.json.', example: 'action: run:shell' },
  { id: 'template-skeleton-missing', severity: 'error', description: "fetch:template's relative url points at no skeleton folder.", example: 'url: ../../skeletons/node-servce' },
  { id: 'template-region-not-allowed', severity: 'error', description: "A 'region' parameter offers regions outside the org's allow-list.", example: 'region: {type: string, enum: [eastus]}' },
  { id: 'skeleton-syntax', severity: 'error', description: 'A skeleton file (or file name) does not parse as a template.', example: '{% if values.x %} without endif' },
  { id: 'skeleton-unknown-value', severity: 'error', description: 'A skeleton uses a value the fetch:template step never passes, or values.x where the step sets cookiecutterCompat (its values are then under cookiecutter): it renders empty.', example: '${{ values.team }}  # values: {name, owner}' },
  { id: 'skeleton-unknown-filter', severity: 'error', description: "A skeleton uses a filter Backstage's engine does not have.", example: '${{ values.name | shout }}' },
  { id: 'skeleton-unsupported', severity: 'error', description: "What nunjucks parses but Backstage's renderer (Nunjitsu) refuses: include, import, from, extends, super(), asyncEach, asyncAll, ifAsync.", example: '{% include "header.md" %}' },
  { id: 'skeleton-unsafe', severity: 'error', description: 'A skeleton reaches for constructor, prototype or __proto__.', example: '${{ values.name.constructor }}' },
  { id: 'skeleton-cookiecutter-syntax', severity: 'error', description: "{{ cookiecutter.x }} in a skeleton whose fetch:template step does not set cookiecutterCompat: true: it is written out unrendered.", example: 'name: {{ cookiecutter.name }}  # step without cookiecutterCompat' },
  { id: 'skeleton-github-expression', severity: 'error', description: 'A GitHub Actions expression on a code line of a workflow that Backstage renders first (to nothing, NaN or a failed render); one in a # comment is harmless.', example: 'run: echo ${{ github.sha }}  # not in copyWithoutTemplating' },
  { id: 'template-test-invalid', severity: 'error', description: 'A test case does not match schemas/template-test.schema.json.', example: 'expect: {file: [a]}' },
  { id: 'template-values-invalid', severity: 'error', description: "A case's values fail the parameter schemas as the backend validates them (no defaults).", example: 'values: {name: Bad_Name}' },
  { id: 'template-secrets-invalid', severity: 'error', description: "A case's secrets fail the template's spec.secrets.schema, as the backend validates them before running.", example: 'secrets: {}  # spec.secrets.schema requires token' },
  { id: 'template-render-failed', severity: 'error', description: 'The template fails to render with the scaffolder.', example: 'Hello ${{ values.name' },
  { id: 'template-render-budget', severity: 'error', description: 'A render wrote more than 20 MB or 2,000 files, ran longer than 60 s, or rendered one file past the longest string JavaScript holds; it is stopped there.', example: 'each: ${{ range(0, 400) }}  # fetch:template of a skeleton that loops' },
  { id: 'template-expectation', severity: 'error', description: "The rendered tree does not meet the case's expectations.", example: 'expect: {files: [Dockerfile]}  # not rendered' },
  { id: 'template-output-invalid', severity: 'error', description: 'Rendered output is unusable: unrendered expressions (files copied verbatim keep theirs), YAML/JSON that does not parse (JSONC where the format is; Helm and other Go/Jinja templates are not parsed), a catalog-info.yaml Backstage rejects, a GitHub workflow or Azure pipeline their own validators reject.', example: '{% raw %}${{ values.x }}{% endraw %}' },
  { id: 'template-snapshot', severity: 'error', description: 'The rendered tree differs from the golden snapshot.', example: '# a skeleton edited without --update-snapshots' },
  { id: 'template-action-input', severity: 'error', description: "A step's input (as written, or as a test case renders it) fails the action's own input schema, as the scaffolder validates it before running the step.", example: 'action: publish:github\ninput: {repoUrl: …, allowedHosts: [github.com]}' },
  { id: 'template-action-unknown', severity: 'error', description: 'A step uses an action that no installed scaffolder module provides and gitops.config.yaml does not declare.', example: 'action: publish:gitub' },
  { id: 'template-repo-url', severity: 'error', description: "A repoUrl that Backstage's parseRepoUrl refuses or reads into a repository name no SCM accepts.", example: 'repoUrl: ${{ parameters.repoUrl }}?owner=platform-team' },
  { id: 'template-duplicate-step', severity: 'error', description: "Two steps share an id: the later step's output silently replaces the earlier one's.", example: '- id: fetch …\n- id: fetch …' },
  { id: 'template-command-failed', severity: 'error', description: 'A command of the case (npm install, npm test…) fails in the rendered repository (--run).', example: 'run: [npm test]' },
];

export const templateRules = rules.reduce((registry, rule) => registry.add(rule), new RuleRegistry());
