import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { namesOtherRepository, toRepoUrlForm } from '../../src/load/toRepoUrlForm.ts';

// toRepoUrlForm tells a URL of another repository without git-url-parse (10-20 µs a URL, paid for every
// techdocs-ref and url target of a catalog: 10k entities took 0.2-0.4 s of a `check`). The shortcut may only
// say "another repository" where git-url-parse, the parser Backstage's readers use, reads another full name:
// held here against the parser itself on URLs built from the segments its special cases turn on.
const gitUrlParse = createRequire(import.meta.url)('git-url-parse') as (url: string) => { full_name: string };

const SEGMENTS = ['acme', 'ACME', 'Acme', 'control', 'Control.git', 'control.git', 'scm', 'projects', 'users', 'repos', '-', 'blob', 'tree', 'raw', 'src', 'edit', 'issues', 'commit', 'main', '%61cme', 'c%6Fntrol', '%2F', 'acme%2Fcontrol', '', 'ΑΣ', 'İ', 'ß', '~acme', '%E0%A4', '.', '..', 'a b', 'x%252Fy'];
const HOSTS = ['https://github.com', 'https://gitlab.com', 'https://acme@github.com', 'https://acme:x@gitlab.com', 'http://github.com'];

// A fixed pseudo-random walk (no Math.random: a failure must reproduce).
function* urls(count: number): Generator<string> {
  let seed = 7;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  for (let i = 0; i < count; i++) {
    const length = 1 + next(6);
    const path = Array.from({ length }, () => SEGMENTS[next(SEGMENTS.length)]).join('/');
    yield `${HOSTS[next(HOSTS.length)]}/${path}${next(3) === 0 ? '/' : ''}`;
  }
}

const REPOSITORIES = ['https://github.com/acme/control/blob/main/', 'https://gitlab.com/acme/control/-/blob/main/', 'https://gitlab.com/acme/sub/control/-/blob/main/', 'https://github.com/ΑΣ/İ/blob/main/', 'https://github.com/scm/acme/control/blob/main/', 'https://github.com/acme/control.git/blob/main/', 'https://github.com//control/blob/main/'];

// Spellings that name a repository through the parser's special cases: Bitbucket Server's projects/…/repos/…
// and users/…/repos/…, a leading scm/, an empty owner (a leading / or %2F), the owner in the user part.
const crafted = (name: string) => {
  const [owner, repo] = [name.split('/').slice(0, -1).join('/') || 'x', name.split('/').at(-1)!];
  return [`projects/${owner}/repos/${repo}/raw/x`, `users/${owner}/repos/${repo}/browse`, `scm/${name}/blob/main/x`, `%2F${name}/blob/main/x`, `/${name}/blob/main/x`, `${name.toUpperCase()}/tree/main`, repo]
    .flatMap(path => [`https://github.com/${path}`, `https://gitlab.com/${path}`, `https://${owner}@github.com/${path}`]);
};

function fullName(url: string): string | undefined {
  try {
    return gitUrlParse(url).full_name;
  } catch {
    return undefined;
  }
}

describe('namesOtherRepository', () => {
  it('never says "another repository" where git-url-parse reads repoUrl\'s full name in any capitals', () => {
    let shortcuts = 0;
    let compared = 0;
    for (const repoUrl of REPOSITORIES) {
      const name = fullName(repoUrl)!;
      for (const url of [...urls(4000), ...crafted(name)]) {
        let target: URL;
        try {
          target = new URL(url);
        } catch {
          continue;
        }
        compared++;
        if (!namesOtherRepository(target, name)) continue;
        shortcuts++;
        expect({ url, repoUrl, written: fullName(url)?.toLowerCase() }).not.toEqual({ url, repoUrl, written: name.toLowerCase() });
      }
      // The URLs that name it, in every spelling the parser takes, are never cut short.
      for (const url of [`${repoUrl}x.yaml`, repoUrl.toUpperCase().replace('HTTPS://', 'https://'), repoUrl.replace('acme', '%61cme')]) {
        if (fullName(url)?.toLowerCase() === name.toLowerCase()) expect(namesOtherRepository(new URL(url), name)).toBe(false);
      }
    }
    // The mix is mostly the parser's special cases; the shortcut is still taken often, and for every plain
    // URL of another repository (a catalog's usual techdocs-ref), or it saves nothing.
    expect(compared).toBeGreaterThan(20_000);
    expect(shortcuts).toBeGreaterThan(compared / 5);
    for (const url of ['https://github.com/acme/component-7/tree/main', 'https://github.com/Acme/controls/blob/main/x.yaml', 'https://gitlab.com/acme/other/-/blob/main/x']) {
      expect(namesOtherRepository(new URL(url), 'acme/control')).toBe(url.includes('/controls/') ? false : true);
    }
  });

  it('leaves toRepoUrlForm as it was: this repository in other capitals and tree/ is respelled, another repository kept', () => {
    const repoUrl = 'https://github.com/acme/control/blob/main/';
    expect(toRepoUrlForm('https://github.com/ACME/Control/tree/main/docs', repoUrl)).toBe(`${repoUrl}docs`);
    expect(toRepoUrlForm('https://github.com/scm/acme/control/blob/main/docs', repoUrl)).toBe(`${repoUrl}docs`);
    expect(toRepoUrlForm('https://github.com/acme/component-7/tree/main', repoUrl)).toBe('https://github.com/acme/component-7/tree/main');
  });
});
