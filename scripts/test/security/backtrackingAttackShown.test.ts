import { describe, expect, it } from 'vitest';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';
import { runBin } from './runBin.ts';

interface Finding { ruleId: string; message: string }

// cat51 on 0GiS0/ghec-org-as-code: `pattern: "^.*\\S.*$"` (a description that is not only blanks) was reported
// with "for example a value of "\u0000\u0000…(40 of them)…"": recheck's attack string clipped to its start. That
// value matches at once; what makes V8 backtrack quadratically is the suffix after the pumped part (a line
// break, which `.` does not match and `$` refuses), so whoever tried the example saw no slowness and took the
// error for a false alarm. The example is now written as its parts: the pumped string, how often, then the suffix.
const FILE = 'templates/svc/template.yaml';
const PROPERTIES = `        description: {type: string, maxLength: 340, pattern: "^.*\\\\S.*$"}\n`;

describe('the example value of a backtracking pattern', () => {
  it('names the repeated part, how often, and the suffix that makes the match fail', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      [FILE]: templateHead('svc', PROPERTIES) + fetchSkeletonStep(),
      'skeletons/svc/README.md': '# ${{ values.name }}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-pattern-backtracking');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('The pattern "^.*\\\\S.*$" backtracks polynomially on some values (for example a value of ');
    expect(found[0].message).toMatch(/\(for example a value of "[^"]{1,12}" \d+ times, then "\\n"\): the scaffolder backend/);
  }, 90_000);

  // Reviewer of ac3f906c: recheck repeats each pump base + bias times (`^(a+)+(?<=a)c$`: base 31, bias 1, a value
  // of 32 `a`), and a pattern with more than three pumps was shown as if it had three.
  it('counts each pump as recheck repeats it, and says when pumps are left out', async () => {
    const messages: string[] = [];
    for (const pattern of ['^(a+)+(?<=a)c$', '^(.*?,){11}P']) {
      const root = await templateRepo(['../templates/svc/template.yaml'], {
        [FILE]: templateHead('svc', `        description: {type: string, pattern: ${JSON.stringify(pattern)}}\n`) + fetchSkeletonStep(),
        'skeletons/svc/README.md': '# x\n',
      });
      const run = await runBin(['check', '--format', 'json'], root);
      messages.push(...(JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-pattern-backtracking').map(d => d.message));
    }
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('(for example a value of "a" 32 times)');
    expect(messages[1]).toMatch(/ times, then …, then "P"\)/);
  }, 120_000);
});

