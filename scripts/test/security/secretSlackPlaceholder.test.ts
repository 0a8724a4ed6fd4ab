import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// A fresh user's sweep (cnoe-io/stacks, session 43): secretlint's Slack rule reported the placeholders of an
// env.example (`xoxb-your-slack-bot-token-here`) as credentials written out: three errors that failed the run.
// A Slack token always holds digits; a placeholder of words does not. Real shapes, next to one, still fail.
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
interface Finding { ruleId: string; file: string; range: { start: { line: number } } }

describe('secret-written and Slack token placeholders (shipped bin)', () => {
  it('a placeholder of words is not a credential; a token with its digits is, even beside one', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': GROUP,
      'env.example': 'SLACK_BOT_TOKEN=xoxb-your-slack-bot-token-here\nSLACK_APP_TOKEN=xapp-your-app-token\nSLACK_USER_TOKEN=xoxp-XXXX-XXXX\n',
      'deploy/real.env': 'PLACEHOLDER=xoxb-your-slack-bot-token-here\nSLACK_BOT_TOKEN=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\n',
      'deploy/app.yaml': `slack:\n  token: "xapp-1-A0123456789-1234567890123-${'0a1b2c3d'.repeat(8)}"\n`,
    });
    const run = await runBin(['check', 'env.example', 'deploy/real.env', 'deploy/app.yaml', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`);
    expect(found.sort()).toEqual(['secret-written@deploy/app.yaml:2', 'secret-written@deploy/real.env:2']);
    expect(run.status).toBe(1);
  }, 60_000);
});
