import { createRequire } from 'node:module';

// jsonschema as the pinned scaffolder-backend resolves it: the validator its router uses.
const require = createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'));

/**
 * What the scaffolder backend says of form values before it runs a template: each parameter page is
 * validated with jsonschema, as the backend does, and no defaults are applied.
 */
export function checkValues(parameters: unknown, values: unknown): string[] {
  const { Validator } = require('jsonschema') as { Validator: new () => { validate(instance: unknown, schema: unknown): { errors: { stack: string }[] } } };
  const errors: string[] = [];
  for (const [index, page] of [parameters ?? []].flat().entries()) {
    try {
      for (const error of new Validator().validate(values, page).errors) errors.push(`Parameter page ${index + 1}: ${error.stack.replace(/^instance\.?/, 'values.')}`);
    } catch (error) {
      // The backend throws the same way, so Backstage refuses every run of this template.
      errors.push(`Parameter page ${index + 1} cannot be checked by the scaffolder backend: ${(error as Error).message}`);
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
  const { validate } = require('jsonschema') as { validate(instance: unknown, schema: unknown): { errors: { name: string; argument: unknown; property: string; message: string }[] } };
  try {
    return validate(secrets ?? {}, schema).errors.map(e => (e.name === 'required' ? `secrets.${e.argument} is required` : `${e.property.replace(/^instance/, 'secrets')} ${e.message}`));
  } catch (error) {
    return [`spec.secrets.schema cannot be checked by the scaffolder backend: ${(error as Error).message}`];
  }
}
