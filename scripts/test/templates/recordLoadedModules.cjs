// Preloaded (node --require) into the bin by unreadScaffolderModules.test.ts: writes the file name of every
// CommonJS module the process evaluated to $LOADED_MODULES at exit (a deferred stand-in is not evaluated).
const { writeFileSync } = require('node:fs');
const Module = require('node:module');
const evaluated = [];
const load = Module.prototype.load;
Module.prototype.load = function (filename) {
  evaluated.push(filename);
  return load.call(this, filename);
};
process.on('exit', () => writeFileSync(process.env.LOADED_MODULES, JSON.stringify(evaluated)));
