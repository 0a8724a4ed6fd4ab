import type { Diagnostic } from '../diagnostic.ts';
import { boundedText } from '../report/safeText.ts';

/** What secretlint's lintSource reports of one finding (the fields read here; its other fields hold the value). */
export interface SecretlintMessage {
  ruleId: string;
  messageId?: string;
  message: string;
  range: readonly [number, number];
  loc: { start: { line: number; column: number }; end: { line: number; column: number } };
}

export const SECRET_HINT = 'Remove it from the file and rotate it: once pushed, it is in the git history; reference a secret store instead (for Backstage config ${ENV_VAR}, for templates `ui:field: Secret` / secrets.*). A fake value in a test fixture or a documented example: mark its line with a `secretlint-disable-line` comment, as secretlint documents.';

export const SANCTIONED_HINT = "Reviewers: approve only a fake value (a test fixture, a documented example). The comment is the author's word, not a check: a live credential must be removed and rotated, since the line is published like any other.";

/**
 * `written`, a secret-written finding on a line the file exempts with a `secretlint-disable-line` comment (or
 * under a `secretlint-disable-next-line` line), as the warning that makes the exemption visible
 * (secret-sanctioned): the comment keeps the credential from failing the gate, not from being published, and
 * the pull request's author writes it. Same place and kind. Pure.
 */
export function sanctionedFinding(written: Diagnostic): Diagnostic {
  const message = `${written.message.replace(/^A credential is written out/, 'A credential is written out, on a line a secretlint-disable comment exempts from the gate,')} The comment keeps it from failing the gate, not from Backstage, TechDocs or new repositories.`;
  return { ...written, ruleId: 'secret-sanctioned', severity: 'warning', message, hint: SANCTIONED_HINT };
}

/**
 * secret-written findings for repo path `file` from secretlint's messages over its `content` (linted with
 * maskSecrets). secretlint's lines are 1-based and its columns 0-based (the end one past the last character):
 * both become the Diagnostic's 1-based columns. The message names secretlint's rule and messageId and its own
 * masked message; a message that still holds the matched text (a rule that masks nothing) says only the kind.
 * Two messages at one place are one finding. Pure; never throws.
 */
export function secretFindings(file: string, content: string, messages: readonly SecretlintMessage[]): Diagnostic[] {
  const seen = new Set<string>();
  const found: Diagnostic[] = [];
  for (const m of messages) {
    const start = { line: m.loc.start.line, column: m.loc.start.column + 1 };
    const at = `${start.line}:${start.column}`;
    if (seen.has(at)) continue;
    seen.add(at);
    const kind = boundedText(`${m.ruleId.replace(/^@secretlint\/secretlint-rule-/, '')}${m.messageId ? `/${m.messageId}` : ''}`, 80);
    const value = content.slice(m.range[0], m.range[1]);
    // Runs of the mask say nothing but the value's length: one short run stands for any.
    const masked = m.message.replace(/\*{4,}/g, '****');
    const said = value.length >= 4 && m.message.includes(value) ? '' : `: ${boundedText(masked, 160)}`;
    found.push({
      ruleId: 'secret-written',
      severity: 'error',
      message: `A credential is written out in this file (secretlint ${kind}${said}).`,
      hint: SECRET_HINT,
      file,
      range: { start, end: { line: m.loc.end.line, column: m.loc.end.column + 1 } },
    });
  }
  return found;
}

/**
 * `found` without each secret-written finding on a file and line where another gate already reports a
 * config-plain-secret (the Backstage config gate, which says which key and how Backstage reads it).
 */
export function withoutConfigSecrets(found: readonly Diagnostic[], others: readonly Diagnostic[]): Diagnostic[] {
  const said = new Set(others.filter(d => d.ruleId === 'config-plain-secret').map(d => `${d.file}\0${d.range.start.line}`));
  return found.filter(d => !said.has(`${d.file}\0${d.range.start.line}`));
}
