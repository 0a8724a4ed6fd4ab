import { RuleRegistry, type Rule } from '../rules.ts';

/** The rules of the secret scan over the files a pull request or a pre-commit hook hands the gate. */
const rules: Rule[] = [
  {
    id: 'secret-written',
    severity: 'error',
    description: "A credential (a token, a key, a password in a URL; secretlint's recommended rules) is written out in a file the pull request adds or changes (check --base, report --base) or a file given by path (check <paths>): every Backstage user reads the catalog, every new repository gets the skeletons, TechDocs publishes the docs, and git keeps it in the history. An error (locked); a line marked with secretlint's own `secretlint-disable-line` comment (or under `secretlint-disable-next-line`) is a documented example, which reviewers see in the diff.",
    example: 'metadata:\n  annotations:\n    acme.com/deploy-token: ghp_…  # a GitHub token\n  links:\n    - url: https://deploy:<password>@runbooks.acme.example/',
  },
];

export const secretRules = rules.reduce((registry, rule) => registry.add(rule), new RuleRegistry());
