import { createRequire } from 'node:module';
import { scaffolderBackendVersion } from './scaffolderVersion.ts';

// jsonschema as the pinned scaffolder-backend resolves it: the validator its router uses.
const require = createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'));

/**
 * What the scaffolder backend says of form values before it runs a template: each parameter page is
 * validated with jsonschema, as the backend does, and no defaults are applied.
 */
export function checkValues(parameters: unknown, values: unknown): string[] {
  return valueRefusals(parameters, values).map(r => r.message);
}

/**
 * checkValues's refusals with the value each is about: `path` leads from the values object to it
 * (jsonschema's own error path: `['topics', 0, 'maxRetries']`; `[]` for the object itself, as for a
 * missing required value or a failed dependency), so a test case's finding can point at that value's line.
 */
export function valueRefusals(parameters: unknown, values: unknown): { message: string; path: (string | number)[] }[] {
  const { Validator } = require('jsonschema') as { Validator: new () => { validate(instance: unknown, schema: unknown): { errors: SchemaError[] } } };
  const errors: { message: string; path: (string | number)[] }[] = [];
  for (const [index, page] of [parameters ?? []].flat().entries()) {
    // A page's `when:` (newer Backstage shows a page only when it holds) is not read by the pinned backend's
    // router: it validates the values against every page, so a page the form skipped still refuses them.
    const when = page && typeof page === 'object' && !Array.isArray(page) && 'when' in page ? ` (this page's when: is not read by scaffolder-backend ${scaffolderBackendVersion()}: it validates the values against every page, shown or not)` : '';
    try {
      for (const error of new Validator().validate(values, page).errors) errors.push({ message: `Parameter page ${index + 1}: ${named(error, 'values')}${when}`, path: Array.isArray(error.path) ? error.path.filter(p => typeof p === 'string' || typeof p === 'number') : [] });
    } catch (error) {
      // The backend throws the same way, so Backstage refuses every run of this template.
      errors.push({ message: `Parameter page ${index + 1} cannot be checked by the scaffolder backend: ${(error as Error).message}`, path: [] });
    }
  }
  return errors;
}

/**
 * What the scaffolder backend (4.2.0's router, validateSecrets) says of the secrets a task is created
 * with when the template declares `spec.secrets.schema`: jsonschema's errors, worded as its
 * formatSecretsValidationErrors words them (`secrets.token is required`). No schema: nothing to say.
 */
export function checkSecrets(secretsSpec: unknown, secrets: unknown): string[] {
  const schema = secretsSpec && typeof secretsSpec === 'object' ? (secretsSpec as { schema?: unknown }).schema : undefined;
  if (!schema || typeof schema !== 'object') return [];
  const { validate } = require('jsonschema') as { validate(instance: unknown, schema: unknown): { errors: SchemaError[] } };
  try {
    return validate(secrets ?? {}, schema).errors.map(e => (e.name === 'required' ? `secrets.${e.argument} is required` : named(e, 'secrets')));
  } catch (error) {
    return [`spec.secrets.schema cannot be checked by the scaffolder backend: ${(error as Error).message}`];
  }
}

/** One jsonschema (1.5) ValidationError, as far as its wording needs it. */
interface SchemaError {
  name: string;
  argument: unknown;
  /** The path it is about, from `instance` (the validated object itself): `instance`, `instance.a`, `instance.a[0]`. */
  property: string;
  /** The same path as keys and indexes. */
  path?: unknown[];
  message: string;
}

/**
 * A jsonschema error as `property message` (its own `stack`), with its name for the validated object,
 * `instance`, replaced by `subject` (`values`, `secrets`) wherever it stands for a path: at the start of
 * the property (the object itself at the root: `values does not meet…`, not `values. does not meet…`) and
 * in a message that ends with a path (the `dependencies` keyword's "…required by instance.registry_type",
 * whose argument is that path). A property named "instance" is left as it is.
 */
function named(error: SchemaError, subject: string): string {
  const rename = (path: string) => (path === 'instance' || /^instance[.[]/.test(path) ? subject + path.slice('instance'.length) : path);
  const path = typeof error.argument === 'string' ? error.argument : undefined;
  const message = path !== undefined && rename(path) !== path && error.message.endsWith(path) ? error.message.slice(0, -path.length) + rename(path) : error.message;
  return `${rename(error.property)} ${message}`;
}
