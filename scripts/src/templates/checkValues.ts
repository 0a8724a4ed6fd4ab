import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

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
