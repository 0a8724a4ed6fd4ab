// `${NAME}` as app-config writes an environment variable (config-loader substitutes it there).
const ENV_PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/**
 * A sentence for a hint when a catalog value holds `${NAME}`, as if it were app-config: the catalog stores
 * entity files as written (no processor substitutes environment variables), so the literal text is the value.
 * Takes the value as written; returns the sentence (ending with a space) or ''.
 */
export function envPlaceholderNote(value: string): string {
  return ENV_PLACEHOLDER.test(value)
    ? 'Backstage substitutes ${…} environment variables only in app-config, never in catalog files: it stores this text as written. '
    : '';
}
