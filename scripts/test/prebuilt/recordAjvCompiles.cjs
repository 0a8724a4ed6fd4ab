// Preloaded (node --require) into the bin by prebuiltValidators.test.ts: records the $id of every schema
// any Ajv in the process compiles ('meta:' for meta-schemas) and writes the list to $AJV_COMPILES at exit.
const { writeFileSync } = require('node:fs');
const Ajv = require('ajv/dist/core').default;
const compiled = [];
const original = Ajv.prototype._compileSchemaEnv;
Ajv.prototype._compileSchemaEnv = function (sch) {
  const id = typeof sch.schema === 'object' && sch.schema ? sch.schema.$id : undefined;
  compiled.push(`${sch.meta ? 'meta:' : ''}${id ?? JSON.stringify(sch.schema).slice(0, 60)}`);
  return original.call(this, sch);
};
process.on('exit', () => writeFileSync(process.env.AJV_COMPILES, JSON.stringify(compiled)));
