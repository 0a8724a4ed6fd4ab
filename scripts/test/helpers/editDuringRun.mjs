// Loaded with --import into a `check` run (tests only): the first time a gate reads the file EDIT_DURING_RUN
// (a path ending) itself, the file is appended to first, and the file EDIT_MARKER is written to say so: a file
// that changes while the run judges it. A gate reads a file by name with readFileSync or through
// openRegularFile (load/readSource.ts: a numeric-flags openSync, O_NONBLOCK); the walk of the run's inputs
// opens what its listing found with the 'r' flag and is left alone.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const target = process.env.EDIT_DURING_RUN;
const marker = process.env.EDIT_MARKER;
let edited = false;

function editOnce(path) {
  if (!edited && target && typeof path === 'string' && path.endsWith(target)) {
    edited = true;
    fs.appendFileSync(path, '# edited during the run\n');
    if (marker) fs.writeFileSync(marker, path);
  }
}

const readFileSync = fs.readFileSync;
fs.readFileSync = function (path, ...rest) {
  editOnce(path);
  return readFileSync.call(this, path, ...rest);
};
const openSync = fs.openSync;
fs.openSync = function (path, flags, ...rest) {
  if (typeof flags === 'number') editOnce(path);
  return openSync.call(this, path, flags, ...rest);
};
syncBuiltinESMExports();
