import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

// Packages most `check` runs never call: a catalog of plain YAML files, with no org policy, no scorecards
// and no finding, needs neither `yaml` (positions, the exact parse) nor Ajv's compiler. Evaluating them at
// every start cost about 40 ms, so the code that needs one requires it here when it first runs. `require`
// resolves from the same folder as an `import` of the bundle or the sources would, and Node loads these
// CommonJS packages for an `import` through the same module cache: the objects are the very ones an
// import gives (yaml's node-type checks, Ajv's classes).

/** The `yaml` package (Backstage's parser, with positions), loaded on first use. */
export function yamlPackage(): typeof import('yaml') {
  return (yaml ??= require('yaml'));
}
let yaml: typeof import('yaml') | undefined;

/**
 * `yaml`'s LineCounter class (offsets to 1-based line and column), the one its parser fills: from the
 * package once it is loaded, else from the package's own module file alone. Positions of a plain catalog
 * file come from a line scan (locateInBlock), which needs only this class; evaluating the whole parser
 * for it cost a run with findings about 17 ms. Falls back to the package if its layout ever changes.
 */
export function lineCounterClass(): typeof import('yaml').LineCounter {
  if (yaml) return yaml.LineCounter;
  if (!lineCounter) {
    try {
      // The package's exports map hides its modules; loading by file name is loading that same file.
      lineCounter = (require(join(dirname(require.resolve('yaml')), 'parse/line-counter.js')) as { LineCounter?: typeof import('yaml').LineCounter }).LineCounter;
    } catch {
      lineCounter = undefined;
    }
    lineCounter ??= yamlPackage().LineCounter;
  }
  return lineCounter;
}
let lineCounter: typeof import('yaml').LineCounter | undefined;

/** ajv's exports (`Ajv`, the class every schema here is compiled with), loaded on first use. */
export function ajvPackage(): typeof import('ajv') {
  return require('ajv');
}

/** The ajv-errors plugin (`errorMessage` keyword), loaded on first use. */
export function ajvErrorsPlugin(): typeof import('ajv-errors').default {
  return require('ajv-errors').default;
}

/** The ajv-formats plugin, loaded on first use. */
export function ajvFormatsPlugin(): typeof import('ajv-formats').default {
  return require('ajv-formats').default;
}
