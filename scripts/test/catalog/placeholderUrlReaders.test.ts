import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team (a hostile pull request): `$text: https://raw.githubusercontent.com/…` or any host the managed
// Backstage does not read was one info, "Nothing to fix", and the report said ready to merge. Backstage's
// PlaceholderProcessor lets a plain web URL through its same-repository check, then its UrlReader refuses a host
// no integration takes and backend.reading.allow does not list (NotAllowedError): the entity fails processing.
// The gate asks Backstage's own readers (UrlReaders.default, built from the app-config files the config names).
const api = (name: string, url: string) => `---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: ${name}\nspec:\n  type: openapi\n  lifecycle: experimental\n  owner: team-a\n  definition:\n    $text: ${url}\n`;
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const CATALOG = GROUP + api('raw', 'https://raw.githubusercontent.com/someone/x/main/openapi.yaml') + api('allowed', 'https://specs.example.com/openapi.yaml') + api('owner', 'https://github.com/acme');

type Found = { ruleId: string; severity: string; message: string; hint: string; range: { start: { line: number; column: number } } };

async function check(appConfig: string | undefined) {
  const config = `repoUrl: https://github.com/acme/svc/blob/main/\ncatalog:\n  roots: [catalog-info.yaml]\n  include: [catalog-info.yaml]\n${appConfig === undefined ? '' : 'backstageConfig:\n  files: [app-config.yaml]\n  plugins: [catalog]\n'}`;
  const root = await tempRepo({ 'gitops.config.yaml': config, 'catalog-info.yaml': CATALOG, ...(appConfig === undefined ? {} : { 'app-config.yaml': appConfig }) });
  const run = await runBin(['check', '--root', root, '--format', 'json'], root);
  const found = (JSON.parse(run.stdout).diagnostics as Found[]).filter(d => d.ruleId.startsWith('placeholder-'));
  return { status: run.status, found, summary: found.map(d => `${d.ruleId}:${d.severity}@${d.range.start.line}`) };
}

describe('absolute placeholder URLs and the managed Backstage\'s readers (check, through the bin)', () => {
  it('a host no integration takes and backend.reading.allow does not list is an error at the placeholder; the others stay info', async () => {
    const { status, found, summary } = await check('backend:\n  reading:\n    allow:\n      - host: specs.example.com\nintegrations:\n  github:\n    - host: github.com\n      token: ${GITHUB_TOKEN}\n');
    // specs.example.com is read by FetchUrlReader, github.com (a page, not a file: Backstage's reader fails that later) by the GitHub integration.
    expect(summary).toEqual(['placeholder-url-not-allowed:error@18', 'placeholder-not-read:info@29', 'placeholder-not-read:info@40']);
    expect(found[0].message).toContain('no integration in its app-config takes raw.githubusercontent.com');
    expect(found[1].hint).toMatch(/^Nothing to fix: the managed Backstage reads this host/);
    expect(status).toBe(1);
  }, 60_000);

  it('without the app-config, or with a host the gate cannot read offline, nothing is concluded: info that says what Backstage needs', async () => {
    // Red team: an S3 endpoint written as ${VAR} was dropped, so the default amazonaws.com stood in for it.
    for (const appConfig of [undefined, 'backend:\n  reading:\n    allow:\n      - host: ${SPEC_HOST}\n', 'integrations:\n  awsS3:\n    - endpoint: ${S3_ENDPOINT}\n      s3ForcePathStyle: true\n      accessKeyId: ${KEY}\n']) {
      const { status, found, summary } = await check(appConfig);
      expect(summary).toEqual(['placeholder-not-read:info@18', 'placeholder-not-read:info@29', 'placeholder-not-read:info@40']);
      expect(found[0].hint).toContain('Nothing to fix if the managed Backstage reads this host');
      expect(status).toBe(0);
    }
  }, 60_000);

  // Red team: `https://evil.com\\@specs.example.com/…` is evil.com to a WHATWG parser (the backslash a path
  // separator), but the message showed it as user info at specs.example.com.
  it('says the URL as Backstage parses it', async () => {
    const catalog = GROUP + api('slash', 'https://evil.com\\@specs.example.com/a.yaml');
    const root = await tempRepo({ 'gitops.config.yaml': 'repoUrl: https://github.com/acme/svc/blob/main/\ncatalog:\n  roots: [catalog-info.yaml]\n  include: [catalog-info.yaml]\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: [catalog]\n', 'catalog-info.yaml': catalog, 'app-config.yaml': 'backend:\n  reading:\n    allow:\n      - host: specs.example.com\n' });
    const run = await runBin(['check', '--root', root, '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Found[]).filter(d => d.ruleId.startsWith('placeholder-'));
    expect(found.map(d => d.ruleId)).toEqual(['placeholder-url-not-allowed']);
    expect(found[0].message).toContain('$text: https://evil.com/@specs.example.com/a.yaml cannot be read');
    expect(found[0].message).toContain('takes evil.com,');
  }, 60_000);
});
