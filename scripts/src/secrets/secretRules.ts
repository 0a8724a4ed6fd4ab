import { RuleRegistry, type Rule } from '../rules.ts';

/** The rules of the secret scan over the files a pull request or a pre-commit hook hands the gate. */
const rules: Rule[] = [
  {
    id: 'secret-written',
    severity: 'error',
    description: "A credential (a token, a key, a password in a URL; secretlint's recommended rules) is written out in a file the pull request adds or changes (check --base, report --base) or a file given by path (check <paths>): every Backstage user reads the catalog, every new repository gets the skeletons, TechDocs publishes the docs, and git keeps it in the history. The file's contents (any text: UTF-8 with or without a NUL byte, UTF-16, Latin-1; a binary file for the text it carries: its printable runs as `strings` finds them, ASCII, UTF-8 or UTF-16, and what gzip data decompresses to, whatever the name, at most 16 MiB; such a finding is at the file's start, its message saying the byte or line and how to read it, as the diff shows only \"Bin\") and its path are scanned, and the contents as their reader decodes them too: a YAML or JSON file's double-quoted values with escapes or line continuations (as Backstage reads them), a Markdown or HTML page's rendered text (character references decoded; comments, tags, backslash escapes and emphasis markers gone, as TechDocs shows it), a text with template syntax as the scaffolder renders its constant parts (`{% %}` tags and `{# #}` comments gone, every branch's text read, `${{ }}` of string literals as their value), a Jupyter notebook's cells as Jupyter joins their lines, each finding at the place the file spells it. An error (locked); a line marked with secretlint's own `secretlint-disable-line` comment (or under `secretlint-disable-next-line`) is a documented example, and secret-sanctioned (a warning) instead (not in a binary file's text, where no reviewer sees the comment); the block form (`secretlint-disable` … `secretlint-enable`) is not honoured.",
    example: 'metadata:\n  annotations:\n    acme.com/deploy-token: ghp_…  # a GitHub token\n  links:\n    - url: https://deploy:<password>@runbooks.acme.example/',
  },
  {
    id: 'secret-sanctioned',
    severity: 'warning',
    description: "A credential secretlint's recommended rules find (as secret-written does) stands on a line the file exempts with secretlint's `secretlint-disable-line` comment (or under `secretlint-disable-next-line`): the comment keeps it from failing the gate, as secretlint documents for fake values in fixtures and examples, but the pull request's author writes it, and the line is published like any other (the catalog, new repositories, TechDocs; an HTML comment does not show on the page). A warning (locked), in every output and the pull request report, so that reviewers see each exemption and approve only fake values.",
    example: 'A token looks like ghp_… <!-- secretlint-disable-line -->',
  },
  {
    id: 'secret-scan-incomplete',
    severity: 'error',
    description: 'A file the pull request adds or changes (or a file given by path) was not wholly scanned for credentials: it is text over the 16 MiB the scan reads of one file, binary carrying more printable text than that, gzip data decompressing to more (a gzip bomb stops there) or over 16 MiB itself, it could not be read, or the whole scan used up its time bound (60 s; BACKSTAGE_GITOPS_SECRET_SCAN_SECONDS) before reaching it. An error (locked): the gate fails closed, and a platform reviewer must check the file by hand or the file be split.',
    example: '# docs/data.md: 20 MB of generated tables, a token on line 2',
  },
];

export const secretRules = rules.reduce((registry, rule) => registry.add(rule), new RuleRegistry());
