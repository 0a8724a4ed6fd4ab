import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// A skeleton's own .gitignore ignores files the skeleton writes. publish:github (and publish:azure…) push with
// plugin-scaffolder-node's initRepoAndPush: isomorphic-git add({ filepath: '.' }), which skips ignored paths;
// publish:github:pull-request sends serializeDirectoryContents(root, { gitignore: true }). Those files never
// reach the new repository, while the render, its snapshot and expect.files showed them without a word.
const GITIGNORE = '# build output\n*.log\nlib/\n.env\n[Bb]in/\n${{ values.extra }}\n!keep.log\n';

function template(publish: string): string {
  return `${templateHead('svc')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          extra: generated.txt
${publish}`;
}

const PUBLISH = `    - id: publish
      name: Publish
      action: publish:github
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.name }}
`;

const skeleton = {
  'templates/svc/skeleton/.gitignore': GITIGNORE,
  'templates/svc/skeleton/README.md': '# ${{ values.name }}\n',
  'templates/svc/skeleton/app.log': 'log\n',
  'templates/svc/skeleton/keep.log': 'kept by the negation\n',
  'templates/svc/skeleton/.env': 'S=1\n',
  'templates/svc/skeleton/src/lib/x.py': 'x = 1\n',
  'templates/svc/skeleton/bin/run.sh': '#!/bin/sh\n',
  'templates/svc/skeleton/generated.txt': 'gen\n',
  'values.yaml': 'name: orders\n',
};

type Finding = { ruleId: string; severity: string; message: string; hint?: string; file: string; range: { start: { line: number } } };

describe('template-file-not-pushed: files a publish step leaves out through the skeleton\'s .gitignore, through the bin', () => {
  it('templates render: one warning per .gitignore line, at that line of the skeleton\'s .gitignore; the files are still written (the dry-run\'s workspace)', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...skeleton, 'templates/svc/template.yaml': template(PUBLISH) });
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    const warnings = run.stdout.split('\n').filter(l => l.includes('(template-file-not-pushed)'));
    expect(warnings.map(l => l.replace(/ Step publish.*? does not push /, ' ').replace(/ to the repository: .*/, ''))).toEqual([
      '⚠ templates/svc/skeleton/.gitignore:4:1 ".env"',
      '⚠ templates/svc/skeleton/.gitignore:2:1 "app.log"',
      '⚠ templates/svc/skeleton/.gitignore:5:1 "bin/run.sh"',
      '⚠ templates/svc/skeleton/.gitignore:6:1 "generated.txt"',
      '⚠ templates/svc/skeleton/.gitignore:3:1 "src/lib/x.py"',
    ]);
    expect(warnings[1]).toContain('Step publish (publish:github) does not push "app.log" to the repository: .gitignore ignores it (line 2: "*.log")');
    expect(run.stdout).toContain('hint: If the new repository should hold this file, remove the pattern "*.log" from the skeleton\'s .gitignore; otherwise stop writing it');
    // A file the .gitignore re-includes is pushed; so is the rest.
    expect(run.stdout).not.toContain('"keep.log"');
    expect(run.stdout).not.toContain('"README.md"');
    for (const file of ['app.log', '.env', 'bin/run.sh', 'generated.txt', 'src/lib/x.py', 'keep.log']) expect(existsSync(join(root, 'out', file))).toBe(true);
    expect(run.status).toBe(0);
  }, 60_000);

  it('templates render: no publish step, no warning (the workspace is all there is)', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...skeleton, 'templates/svc/template.yaml': template('') });
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).not.toContain('template-file-not-pushed');
    expect(run.status).toBe(0);
  }, 60_000);

  it('templates test: publish:github:pull-request (serializeDirectoryContents with gitignore) within its sourcePath; the snapshot keeps the workspace', async () => {
    const publish = `    - id: pr
      name: Pull request
      action: publish:github:pull-request
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.name }}-deploy
        branchName: add-\${{ parameters.name }}
        title: Add \${{ parameters.name }}
        description: New service
        sourcePath: src
`;
    const files = {
      ...skeleton,
      'templates/svc/template.yaml': template(publish),
      'templates/svc/skeleton/src/.gitignore': '*.tmp\n',
      'templates/svc/skeleton/src/cache.tmp': 'tmp\n',
      'templates/svc/tests/default.yaml': 'name: default\nvalues:\n  name: orders\nexpect:\n  files: [src/cache.tmp, app.log]\n',
    };
    const root = await templateRepo(['../templates/svc/template.yaml'], files);
    await runBin(['templates', 'test', 'svc', '--update-snapshots'], root);
    const run = await runBin(['templates', 'test', 'svc', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-file-not-pushed');
    // Only what lies under sourcePath is sent, read with the .gitignore files there alone (globby's cwd is
    // sourcePath): app.log at the root is outside it, and the root .gitignore's lib/ does not keep src/lib/x.py out.
    expect(found.map(d => `${d.severity} ${d.file}:${d.range.start.line} ${d.message.slice(0, d.message.indexOf(' to the repository'))}`)).toEqual([
      'warning templates/svc/skeleton/src/.gitignore:1 Step pr (publish:github:pull-request) does not push "src/cache.tmp"',
    ]);
    expect(found[0].message).toContain('serializeDirectoryContents reads with gitignore: true');
    // The expectations and the snapshot are the workspace's, as the dry-run returns it.
    expect((JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId !== 'template-file-not-pushed')).toEqual([]);
  }, 90_000);
});
