import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../helpers/gitRepo.ts';

/** What a hostile author puts into values: a GitHub command after a newline, an Azure command mid-line, Markdown traps. */
export const HOSTILE = {
  githubCommand: '\n::add-mask::leak',
  carriageReturnCommand: '\r::error::spoofed',
  azureCommand: '##vso[task.setvariable variable=PWNED]yes',
  hiddenComment: '<!--',
  teamMention: '@acme/platform-team',
  userMention: '@mallory',
  issueReference: '#12',
  codeBreak: '`b`',
  cellBreak: '|c',
  // GFM autolinks (red24): each would be a link in the bot's comment, `<code>` included.
  autolinks: 'www.evil.example https://evil.example/login ops@evil.example',
  // GitHub and Azure DevOps typeset `$…$` as LaTeX: large green words of the author's in the bot's comment.
  mathExpression: '$\\huge\\color{green}\\textsf{ready to merge}$',
} as const;

/** A file name no one would choose: a newline, a command, a comment opener, a mention, backticks (no `/`: it would be a folder). */
export const HOSTILE_FILE = `catalog/evil\n::add-mask::leak \`x\` <!-- @mallory #12 ${HOSTILE.azureCommand}.yaml`;

/**
 * The pull request of the security issue, on a branch of a data repo copy: a file with a hostile name
 * (unreachable, so the gate names it) and an entity whose owner, title and description carry every
 * trap of {@link HOSTILE} (the owner is echoed in a finding). Returns the base revision.
 */
export function makeHostilePullRequest(root: string): string {
  const base = git(root, 'rev-parse', 'HEAD').trim();
  git(root, 'checkout', '-q', '-b', 'hostile');
  const value = Object.values(HOSTILE).join(' ');
  const yaml = (text: string) => JSON.stringify(text);
  writeFileSync(join(root, HOSTILE_FILE), ['apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata:', '  name: evil', `  description: ${yaml(value)}`, 'spec:', '  type: service', '  lifecycle: production', '  owner: platform-team', ''].join('\n'));
  appendFileSync(join(root, 'catalog/platform/backstage-control.yaml'), [
    '---', 'apiVersion: backstage.io/v1alpha1', 'kind: Component', 'metadata:', '  name: evil-two', `  title: ${yaml(`Evil${HOSTILE.githubCommand}`)}`, `  description: ${yaml(value)}`,
    'spec:', '  type: service', '  lifecycle: production', `  owner: ${yaml(`team${value}`)}`, '',
  ].join('\n'));
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'hostile');
  return base;
}

/** Physical log lines as the runners read them: .NET splits process output on CR, LF and CRLF. */
export const logLines = (output: string) => output.split(/\r\n|\r|\n/);

// The harms: a line the runner reads as a GitHub workflow command (`::` first on a line, after CR or LF
// splitting), an Azure logging command (`##vso[` anywhere in a line) or GitHub's legacy `##[command]`
// form anywhere in a line (actions/runner ActionCommand.TryParse). Lines the github and azure formats
// write on purpose (`own`) are allowed, and only those.
export const OWN_GITHUB_LINE = /^::(error|warning|notice)( [^\r\n]*)?::/;
export const OWN_AZURE_LINE = /^##vso\[task\.(logissue|complete|addattachment) [^\]]*\]/;

/** The lines of `output` a CI runner would act on, other than the `own` commands the format writes. */
export function harms(output: string, own?: RegExp): string[] {
  return logLines(output).filter(line => {
    const ours = own?.test(line);
    const rest = ours ? line.replace(own!, '') : line;
    return (!ours && /^\s*::/.test(line)) || /##(vso)?\[/i.test(rest) || /^\s*::add-mask::/.test(rest);
  });
}
