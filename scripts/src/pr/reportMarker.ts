// The hidden marker that finds the one report comment (GitHub) or thread (Azure DevOps) to update.
// Its own module so the CI adapters' bundles import a string, not the report renderer.
export const REPORT_MARKER = '<!-- backstage-gitops:pr-report v1 -->';
