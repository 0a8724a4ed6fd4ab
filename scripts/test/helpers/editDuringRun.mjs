// Loaded with --import into a `check` run (tests only): the first time the run reads the file
// EDIT_DURING_RUN (a path ending) with readFileSync, as a gate reading a file itself does (the walk of the
// run's inputs opens and reads it, never with readFileSync), the file is appended to first, and the
// file EDIT_MARKER is written to say so: a file that changes while the run judges it.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const target = process.env.EDIT_DURING_RUN;
const marker = process.env.EDIT_MARKER;
const readFileSync = fs.readFileSync;
let edited = false;
fs.readFileSync = function (path, ...rest) {
  if (!edited && target && typeof path === 'string' && path.endsWith(target)) {
    edited = true;
    fs.appendFileSync(path, '# edited during the run\n');
    if (marker) fs.writeFileSync(marker, path);
  }
  return readFileSync.call(this, path, ...rest);
};
syncBuiltinESMExports();
