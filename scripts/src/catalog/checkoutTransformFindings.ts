import { FILE_START, type Diagnostic, type Range } from '../diagnostic.ts';
import { judgedTransform, MAX_REPORTED, readAsText, type CheckoutTransform } from '../load/checkoutTransforms.ts';
import { boundedText, logText } from '../report/safeText.ts';

/**
 * The `repo-checkout-transform` findings of a run: each transform (checkoutTransforms) that judgedTransform
 * keeps where it lies, at most MAX_REPORTED, sorted by path. Takes the transforms and the path prefixes
 * Templates' fetch steps read (loaded.fetchedPrefixes: `folder/`, a url's literal start, '' for the whole
 * repository); returns Diagnostics on the affected file (on its `$Format:` for export-subst), whose message
 * names the `.gitattributes` line that sets the attribute. Pure.
 */
export function checkoutTransformFindings(transforms: readonly CheckoutTransform[], fetched: readonly string[]): Diagnostic[] {
  return transforms
    .filter(transform => judgedTransform(transform, fetched))
    .slice(0, MAX_REPORTED)
    .map(transform => {
      // The narrowest prefix names the skeleton best (a folder rather than the whole repository).
      const prefix = fetched.filter(p => transform.file.startsWith(p) || `${transform.file}/` === p).sort((a, b) => b.length - a.length)[0];
      return prefix === undefined ? catalogFinding(transform) : skeletonFinding(transform, prefix);
    });
}

/** A transform on a file the catalog, CODEOWNERS or TechDocs read. */
function catalogFinding(transform: CheckoutTransform): Diagnostic {
  const { attribute, via } = transform;
  return {
    ruleId: 'repo-checkout-transform',
    severity: 'error',
    message: (via === 'archive'
      ? `.gitattributes gives this ${attribute === 'export-ignore' ? 'path' : 'file'} ${shown(attribute)}: an archive of the repository (git archive, the git host's tarball, which Backstage reads for glob Location targets and TechDocs sources) ${attribute === 'export-ignore' ? 'leaves it out' : 'expands $Format:…$ in it with the tip commit (its message included)'}, so Backstage would read something other than what the gate judged.`
      : `.gitattributes gives this file ${shown(attribute)}: git writes the checkout differently from the committed file, so the gate would judge text that Backstage (and CODEOWNERS, and the git host) never read.`) + setIn(transform),
    hint: 'Remove that attribute for this path from .gitattributes; commit the file as the UTF-8 text Backstage should read.',
    file: transform.file,
    range: at(transform),
  };
}

/**
 * A transform on a file of a skeleton (or on the skeleton folder itself): Backstage's fetch:template and
 * fetch:plain copy the folder from the git host's archive (GitHub's tarball is `git archive`), while the
 * offline render, its snapshots and the review read the checkout.
 */
function skeletonFinding(transform: CheckoutTransform, prefix: string): Diagnostic {
  const { attribute } = transform;
  const name = attribute.split('=')[0];
  const where = prefix === '' ? 'the files of this repository (a fetch step may read any of them)' : prefix.endsWith('/') ? `the skeleton ${shown(prefix.slice(0, -1))}` : `the skeletons ${shown(prefix)}…`;
  const fetched = `Backstage's fetch:template and fetch:plain copy ${where} from the git host's archive of the branch (GitHub's tarball is \`git archive\`), while the offline render, its snapshots and this review read the checkout`;
  let message: string;
  let hint = 'Remove that attribute for this path from .gitattributes: a skeleton must hold, as committed, what every new repository gets.';
  let severity: Diagnostic['severity'] = 'error';
  if (name === 'export-subst' && transform.format) {
    message = `.gitattributes gives this skeleton file export-subst and it holds a \`$Format:…$\` (line ${transform.format.line}): ${fetched}. The archive replaces it with data of the commit at the tip of that branch when a repository is created (\`%B\` is that commit's whole message, which any later pull request writes), so every repository created from the template receives text nobody reviewed.`;
    hint = 'Remove export-subst for this path from .gitattributes (and the `$Format:…$` from the file); write in the skeleton the text the new repositories should get, or a ${{ values.… }} parameter.';
  } else if (name === 'export-subst') {
    // On a file the catalog may also read (a skeleton's catalog-info.yaml) it stays the error it is there.
    severity = readAsText(transform.file) ? 'error' : 'warning';
    message = `.gitattributes gives this skeleton file export-subst: ${fetched}. It holds no \`$Format:…$\` today, but once an edit adds one, the archive writes data of the tip commit of the branch (its whole message with \`%B\`, which any later pull request writes) into every repository created from the template, unseen by the render and its snapshots.`;
    hint = 'Remove export-subst for this path from .gitattributes: a skeleton has no use for it.';
  } else if (name === 'export-ignore') {
    message = `.gitattributes gives this path export-ignore: ${fetched}. The archive leaves it out, so the repositories created from the template never get it, although the render and its snapshots show it.`;
    hint = 'Remove export-ignore for this path from .gitattributes, or delete the file from the skeleton if new repositories should not get it.';
  } else if (name === 'filter') {
    message = `.gitattributes gives this skeleton file ${shown(attribute)}: ${fetched}. The git host never runs a filter driver: its archive holds the committed content (for Git LFS, a pointer of a few lines), which the new repositories get, while the checkout holds what the filter wrote.`;
    hint = 'Remove the filter for this path from .gitattributes and commit the file itself into the skeleton (Backstage cannot fetch Git LFS content).';
  } else {
    message = `.gitattributes gives this skeleton file ${shown(attribute)}: git writes the checkout (and the host's archive) differently from the committed file, so the render and its snapshots show text other than what is committed and reviewed.`;
  }
  // The .gitattributes line first: a long message is cut in a report's table, and that line is what to change.
  return { ruleId: 'repo-checkout-transform', severity, message: setBy(transform) === undefined ? message + setIn(transform) : message.replace(/^\.gitattributes/, setBy(transform)!), hint, file: transform.file, range: at(transform) };
}

/** A value from the pull request (an attribute, a path), bounded and safe for a log line. */
function shown(value: string): string {
  return logText(boundedText(value, 120));
}

/** Where the finding points: the `$Format:` of an export-subst file, else the file's start. */
function at(transform: CheckoutTransform): Range {
  const format = transform.format;
  if (!format || !transform.attribute.startsWith('export-subst')) return FILE_START;
  return { start: format, end: { line: format.line, column: format.column + '$Format:'.length } };
}

/** `dir/.gitattributes:3:7 (\`*.py export-subst\`)` when one line names the attribute, else undefined. */
function setBy(transform: CheckoutTransform): string | undefined {
  const lines = transform.setBy ?? [];
  return lines.length === 1 ? `${shown(lines[0].file)}:${lines[0].line}:${lines[0].column} (\`${shown(lines[0].text.trim())}\`)` : undefined;
}

/** The sentence naming the `.gitattributes` lines that set the attribute ('' when none was found: a macro, a file above the root). */
function setIn(transform: CheckoutTransform): string {
  const lines = transform.setBy ?? [];
  if (lines.length === 0) return '';
  const named = lines.map(l => `${shown(l.file)}:${l.line}:${l.column} (\`${shown(l.text.trim())}\`)`);
  return lines.length === 1 ? ` It is set by ${named[0]}.` : ` Lines that name it (the first, the deepest file's last, wins where several apply): ${named.join(', ')}.`;
}
