/**
 * Where symbolic link `link` (a repo path) leads as the file system resolves it, within the repository's own
 * links (`texts`: each link's repo path and the path it holds, its readlink): the path it holds is walked one
 * segment at a time from the link's folder, and a segment that reaches another link continues from what that
 * link holds, as realpath does. So `x -> d/e/s/e/s/../../../../etc/passwd` with `d/e/s -> ..` leads out of
 * the repository, although the path it holds, normalised as text, stays inside (each `e/s` pair is two
 * segments of text but none of depth). Returns the repo path (no trailing `/`, '' for the root), or undefined
 * when it leads out of the repository, is absolute, holds a backslash, or takes more than 40 links (ELOOP). Pure.
 */
export function linkTarget(link: string, texts: ReadonlyMap<string, string>): string | undefined {
  const first = texts.get(link);
  if (first === undefined) return undefined;
  const at = link.split('/').slice(0, -1);
  let rest = first.split('/');
  if (!usable(first)) return undefined;
  let hops = 0;
  while (rest.length > 0) {
    const segment = rest.shift() as string;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (at.length === 0) return undefined;
      at.pop();
      continue;
    }
    at.push(segment);
    const text = texts.get(at.join('/'));
    if (text === undefined) continue;
    if (++hops > 40 || !usable(text)) return undefined;
    at.pop();
    rest = [...text.split('/'), ...rest];
  }
  return at.join('/');
}

/** Whether a link's text is a relative POSIX path (an absolute or Windows-style one leads out of the repository). */
function usable(text: string): boolean {
  return text !== '' && !text.startsWith('/') && !text.includes('\\');
}
