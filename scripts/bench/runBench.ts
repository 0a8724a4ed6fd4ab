import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCatalog } from './generateCatalog.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MEASURE = { check: join(REPO, 'scripts/bench/measureCheck.js'), scorecards: join(REPO, 'scripts/bench/measureScorecards.js') };

interface Row {
  command: 'check' | 'scorecards';
  entities: number;
  layout: 'single' | 'multi';
  files: number;
  wallSeconds: number[];
  maxRssMb: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall time and peak memory of `check` over synthetic catalogs; each size/layout run `runs` times in a fresh process. */
export async function runBench(sizes: number[], runs: number, dataDir: string): Promise<string> {
  const rows: Row[] = [];
  for (const entities of sizes) {
    for (const layout of ['single', 'multi'] as const) {
      const root = join(dataDir, `${entities}-${layout}`);
      if (!existsSync(join(root, 'gitops.config.yaml'))) await generateCatalog(root, entities, layout);
      for (const command of ['check', 'scorecards'] as const) {
        if (command === 'scorecards' && layout === 'multi') continue;
        // The catalog gate is measured on its own; scorecards/ (this repo's checks) is added for the second row.
        await rm(join(root, 'scorecards'), { recursive: true, force: true });
        if (command === 'scorecards') {
          await cp(join(REPO, 'scorecards'), join(root, 'scorecards'), { recursive: true });
          await rm(join(root, 'scorecards/exemptions'), { recursive: true });
        }
        const row: Row = { command, entities, layout, files: layout === 'single' ? entities : Math.ceil(entities / 10), wallSeconds: [], maxRssMb: 0 };
        for (let i = 0; i < runs; i++) {
          const started = process.hrtime.bigint();
          const child = spawnSync(process.execPath, [MEASURE[command], root], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const report = JSON.parse(child.stderr.trim().split('\n').pop() ?? '{}');
          if (report.code === 2 || report.code === undefined) throw new Error(`${command} failed on ${root}: ${child.stderr.slice(-2000)}`);
          row.wallSeconds.push(seconds);
          row.maxRssMb = Math.max(row.maxRssMb, report.maxRssKb / 1024);
        }
        rows.push(row);
        process.stderr.write(`${command} ${entities} ${layout}: ${median(row.wallSeconds).toFixed(2)} s, ${row.maxRssMb.toFixed(0)} MB\n`);
      }
    }
  }
  const header = [
    `\`check\` (the whole catalog gate) and \`scorecards\` (every check on every entity, team rollups), each a whole process including start-up, on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; median of ${runs} runs.`,
    '',
    '| Command | Entities | Layout | Files | Wall time (median) | Runs (s) | Peak memory (RSS) | Entities/s |',
    '|---|---:|---|---:|---:|---|---:|---:|',
  ];
  const lines = rows.map(r => {
    const wall = median(r.wallSeconds);
    return `| ${r.command} | ${r.entities.toLocaleString('en-US')} | ${r.layout === 'single' ? 'one entity per file' : '10 documents per file'} | ${r.files.toLocaleString('en-US')} | ${wall.toFixed(2)} s | ${r.wallSeconds.map(s => s.toFixed(2)).join(', ')} | ${r.maxRssMb.toFixed(0)} MB | ${Math.round(r.entities / wall).toLocaleString('en-US')} |`;
  });
  return `${[...header, ...lines].join('\n')}\n`;
}
