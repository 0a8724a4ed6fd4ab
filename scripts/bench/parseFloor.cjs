// The floor under any gate that parses every file: read each YAML file under the folder and parse it with
// js-yaml (the fastest YAML parser on npm that the check itself uses), with its FAILSAFE schema (no scalar
// typing), and nothing else: no validation, no checks, no report. With `2`, the files are split in two
// halves, one parsed by this thread and one by a worker thread, and nothing comes back but a count (what
// a gate would send back for checks across entities is not even paid). A reference row of the benchmark:
// a goal below this floor cannot be met by any gate that parses what it judges.
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { loadAll, FAILSAFE_SCHEMA } = require('js-yaml');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? files(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
}

function parse(list) {
  let documents = 0;
  for (const file of list) {
    try {
      loadAll(readFileSync(file, 'utf8'), () => documents++, { schema: FAILSAFE_SCHEMA });
    } catch {
      // A file js-yaml refuses still cost its read and parse.
    }
  }
  return documents;
}

if (isMainThread) {
  const list = files(process.argv[2]);
  const threads = Number(process.argv[3] ?? 1);
  if (threads === 2) {
    const half = Math.floor(list.length / 2);
    const worker = new Worker(__filename, { workerData: list.slice(0, half) });
    const theirs = new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    const mine = parse(list.slice(half));
    theirs.then(count => process.stderr.write(`${JSON.stringify({ documents: mine + count, threads })}\n`));
  } else {
    process.stderr.write(`${JSON.stringify({ documents: parse(list), threads: 1 })}\n`);
  }
} else {
  parentPort.postMessage(parse(workerData));
}
