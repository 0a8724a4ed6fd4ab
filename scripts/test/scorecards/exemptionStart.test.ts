import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { edit } from '../pr/prChange.ts';

// maxExemptionDays bounded `expires - created`, and `created` is what the exemption says: Tech Insights scoring
// (scoreCatalog) applies an exemption from the day it is merged until `expires`, with no start date. A
// `created` written in the future made an exemption of 19 months read as 180 days (exit 0).

type Finding = { ruleId: string; file: string; message: string };
const EXEMPTION = 'scorecards/exemptions/platform-cli-techdocs.yaml';

async function lint(dates: { created: string; expires: string }): Promise<{ status: number | null; found: Finding[] }> {
  const root = await dataRepoCopy();
  edit(root, EXEMPTION, t => t.replace("created: '2026-10-01'", `created: '${dates.created}'`).replace("expires: '2027-03-30'", `expires: '${dates.expires}'`));
  const { status, stdout } = await runBin(['scorecards', '--today', '2026-11-23', '--format', 'json'], root);
  return { status, found: (JSON.parse(stdout).diagnostics as Finding[]).filter(d => d.file === EXEMPTION) };
}

describe('an exemption\'s length counts from when it applies', () => {
  it('refuses a created date in the future that stretches it past maxExemptionDays', async () => {
    const { status, found } = await lint({ created: '2028-01-01', expires: '2028-06-29' });
    expect(found.map(d => d.ruleId)).toEqual(['scorecard-exemption-too-long']);
    expect(found[0].message).toContain('runs 584 days from today (2026-11-23)');
    expect(status).toBe(1);
  }, 120_000);
  it('keeps one within the maximum from today, and one created in the past as before', async () => {
    expect((await lint({ created: '2026-11-30', expires: '2027-05-20' })).found).toEqual([]);
    expect((await lint({ created: '2026-10-01', expires: '2027-03-30' })).found).toEqual([]);
  }, 120_000);
});
