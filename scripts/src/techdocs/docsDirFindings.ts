import { posix } from 'node:path';

/** A finding about an mkdocs.yml, placed at `path` in it: what `check` and `techdocs build` both report. */
export interface SiteFinding {
  ruleId: string;
  path: (string | number)[];
  message: string;
  hint: string;
}

/**
 * Whether `docsDir` (as mkdocs.yml writes it) names the folder that holds mkdocs.yml itself: `.`, `./`
 * or `` after normalising. MkDocs refuses that (config_options.DocsDir post_validation: "The 'docs_dir'
 * should not be the parent directory of the config file").
 */
export function isConfigFolder(docsDir: string): boolean {
  return docsFolder('', docsDir) === '.';
}

/**
 * The repo folder a site's docs_dir names: `docsDir` (as mkdocs.yml writes it, `docs/` or `./docs` alike)
 * joined onto the site's repo folder `siteFolder` ('' or '.' at the root), normalised, without a trailing
 * slash (`.` for the root itself). MkDocs resolves it with os.path.abspath, which drops the slash too.
 */
export function docsFolder(siteFolder: string, docsDir: string): string {
  return posix.normalize(posix.join(siteFolder || '.', docsDir || '.')).replace(/(.)\/+$/, '$1');
}

/** mkdocs-invalid for a docs_dir that is mkdocs.yml's own folder (isConfigFolder), in MkDocs' words. */
export function docsDirIsConfigFolder(docsDir: string): SiteFinding {
  return {
    ruleId: 'mkdocs-invalid',
    path: ['docs_dir'],
    message: `docs_dir ${JSON.stringify(docsDir.slice(0, 200))} is the folder that holds mkdocs.yml itself; MkDocs refuses to build the site: "The 'docs_dir' should not be the parent directory of the config file."`,
    hint: 'Move the Markdown into a folder next to mkdocs.yml (docs/, the default) and set docs_dir to it, or remove docs_dir.',
  };
}

/**
 * mkdocs-docs-dir-missing for the repo folder `docsPath` that docs_dir names (or docs/ by default, when
 * `named` is false): MkDocs stops with "Config value 'docs_dir': The path … isn't an existing directory".
 * With `isFile` the path is a file (MkDocs' Dir option checks os.path.isdir, so the message is the same),
 * worded as such: the hint to create `<file>/index.md` would be no help.
 */
export function docsDirMissing(docsPath: string, named: boolean, isFile = false): SiteFinding {
  const shown = docsPath.slice(0, 200);
  if (isFile) {
    return {
      ruleId: 'mkdocs-docs-dir-missing',
      path: named ? ['docs_dir'] : [],
      message: `${named ? 'docs_dir names' : 'The docs folder is'} ${JSON.stringify(shown)}, which is a file, not a folder; MkDocs stops: "Config value 'docs_dir': The path … isn't an existing directory."`,
      hint: `Point docs_dir at the folder that holds the Markdown (the folder of ${shown}, not the page), and list pages under nav.`,
    };
  }
  return {
    ruleId: 'mkdocs-docs-dir-missing',
    path: named ? ['docs_dir'] : [],
    message: `The docs folder ${shown}/ does not exist or is empty.`,
    hint: `Create ${shown}/index.md, or point docs_dir at the folder with the Markdown.`,
  };
}
