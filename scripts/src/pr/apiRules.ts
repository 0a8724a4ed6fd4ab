import { RuleRegistry, type Rule } from '../rules.ts';

const rules: Rule[] = [
  {
    id: 'api-breaking-change',
    severity: 'error',
    description: "A pull request makes a breaking change to an API definition that another team's components consume (apiChanges policy in gitops.config.yaml).",
    example: '# definitions/payments-openapi.yaml: the path /payments/{id} removed while orders-api consumesApis it',
  },
  {
    id: 'api-lint',
    severity: 'warning',
    description: "A changed OpenAPI or AsyncAPI definition breaks a rule of the Spectral ruleset kept in schemas/api-lint/ (Spectral's rule code leads the message).",
    example: 'info:\n  title: Payments API  # no contact: info-contact',
  },
  {
    id: 'api-lint-timeout',
    severity: 'error',
    description: 'Spectral did not finish linting a changed API definition within the time bound (report --lint-timeout) and was stopped: the definition is not linted.',
    example: "schema:\n  type: string\n  pattern: '^(a|a)*$'\n  example: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
  },
  {
    id: 'config-weakened',
    severity: 'error',
    description: "With --base (the pull request gate), the pull request's gitops.config.yaml turns off or loosens what the base revision's config checks (a section or catalog.roots removed, a rule lowered, a laxer failOn or API policy, CODEOWNERS settings changed, adoptFrom widened), while the pull request changes other files that the gate would judge under it: an error (locked). A pull request that changes only gitops.config.yaml gets a warning: the platform team's review of that file decides.",
    example: '# gitops.config.yaml: codeowners section removed, or rules: {ref-unresolved: off}',
  },
  {
    id: 'review-hidden',
    severity: 'warning',
    description: "With --base, a .gitattributes line the pull request adds or changes (in any folder) gives paths linguist-generated, linguist-vendored or -diff (binary implies it) that the base revision's same file does not: GitHub collapses or hides those files' diffs in pull request review, so reviewers may not see what the pull request changes in them (a skeleton, a template's snapshots).",
    example: '# skeletons/node-service/.gitattributes\n* linguist-generated=true -diff',
  },
  {
    id: 'review-hidden-binary',
    severity: 'error',
    description: "With --base, a text file the pull request adds or changes that git, GitHub and Azure DevOps show as binary (\"Binary files differ\"), so its diff cannot be reviewed while Backstage, TechDocs or a template read it as text: a NUL byte (or UTF-16) in its first 8,000 bytes, git's own test, is an error at the first NUL; a YAML, JSON, Markdown, CODEOWNERS or .gitattributes file whose diff a `-diff` or `binary` attribute hides is a warning.",
    example: '# catalog/orders.yaml, first line: `# orders <NUL>`, an annotation holding a token below it',
  },
  {
    id: 'baseline-fixed',
    severity: 'info',
    description: "With --base, the pull request fixes findings that the baseline (baseline: in gitops.config.yaml) still counts: until `check --write-baseline` shrinks it, the same mistakes can come back in those files unnoticed. Said once, on the baseline file, as ESLint's bulk suppressions say a suppression is no longer needed.",
    example: '# catalog/svc-a.yaml: tags [Java] fixed to [java] while .backstage-gitops-baseline.json still counts 1 entity-field-format there',
  },
];

export const apiRules = rules.reduce((registry, rule) => registry.add(rule), new RuleRegistry());
