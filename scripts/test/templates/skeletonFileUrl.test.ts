import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Differential sweep against the real dry-run, 2026-12-07: `url: file:///…` on a fetch step is refused by
// Backstage's URL reader mux (403 NotAllowedError "Reading from 'file:///etc' is not allowed…"), whatever it
// names; the offline render took it for another repository's folder, copied nothing and went on (exit 0
// with a warning), and check explained it as a relative url whose ../ climb above the repository.
const TEMPLATE = (action: string, url: string) => `${templateHead('svc')}    - id: fetch
      name: Fetch
      action: ${action}
      input:
        url: ${url}
        targetPath: ./x
`;
type Found = { ruleId: string; message: string };

describe('a fetch url of another scheme than http(s) (through the bin)', () => {
  it.each([
    ['fetch:plain', 'file:///etc'],
    ['fetch:plain:file', 'file:///etc/hostname'],
  ])('%s of %s: the render fails as the task does, and check says why', async (action, url) => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': TEMPLATE(action, url),
      'values.yaml': 'name: web\n',
    });
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', join(root, 'out')], root);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`The template failed to render: step fetch (${action}): Reading from '${url}' is not allowed. You may need to configure an integration for the target host, or add it to the configured list of allowed hosts at 'backend.reading.allow'`);
    const check = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(check.stdout).diagnostics as Found[]).filter(d => d.ruleId === 'template-skeleton-missing');
    expect(found.map(d => d.message)).toEqual([expect.stringContaining(`The url "${url}" is a file: URL, which no URL reader of Backstage reads`)]);
  }, 60_000);
});
