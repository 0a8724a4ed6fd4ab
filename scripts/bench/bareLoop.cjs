// The bare one-process loop over @backstage/catalog-model that a team would write itself: read every
// YAML file under the folder, parse it with `yaml` as Backstage does, and validate each document with
// Backstage's entity policies and kind validators. The benchmark's reference point.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parseAllDocuments } = require('yaml');
const m = require('@backstage/catalog-model');

const policy = m.EntityPolicies.allOf([new m.DefaultNamespaceEntityPolicy(), new m.NoForeignRootFieldsEntityPolicy(), new m.FieldFormatEntityPolicy(), new m.SchemaValidEntityPolicy()]);
const validators = [m.apiEntityV1alpha1Validator, m.componentEntityV1alpha1Validator, m.resourceEntityV1alpha1Validator, m.groupEntityV1alpha1Validator, m.locationEntityV1alpha1Validator, m.userEntityV1alpha1Validator, m.systemEntityV1alpha1Validator, m.domainEntityV1alpha1Validator];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? files(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
}

(async () => {
  let entities = 0;
  let invalid = 0;
  for (const file of files(process.argv[2])) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const entity = doc.toJSON();
      if (!entity || typeof entity !== 'object') continue;
      entities++;
      try {
        const checked = await policy.enforce(entity);
        let known = false;
        for (const validator of validators) if (await validator.check(checked)) known = true;
        if (!known) invalid++;
      } catch {
        invalid++;
      }
    }
  }
  process.stderr.write(`${JSON.stringify({ entities, invalid })}\n`);
})();
