/**
 * Where GitHub reads a repository's CODEOWNERS, in the order it looks: the first of these that is a file is
 * the one it uses (GitHub's "About code owners").
 */
export const GITHUB_CODEOWNERS_PATHS: readonly string[] = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];
