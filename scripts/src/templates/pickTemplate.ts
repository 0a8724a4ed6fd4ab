/** Which document of a template file a render takes (pickTemplate). */
export type TemplatePick = { index: number } | { names: string[]; missing?: string };

/**
 * The document of a template file (its documents, in order, as parsed) that `templates render` and a
 * `templates test` case render: the only Template (kind Template), the one whose metadata.name is `name`,
 * or the first document when none is a Template (the scaffolder then refuses it, and says why). Returns
 * its index, or the Templates' names when the choice is not clear: several Templates and no `name`, or
 * `name` (as `missing`) matching none. Backstage registers every document of a file a Location reads, so a
 * file may hold several Templates; the scaffolder runs each on its own.
 */
export function pickTemplate(documents: readonly unknown[], name: string | undefined): TemplatePick {
  const templates = documents.flatMap((d, index) => (isRecord(d) && d.kind === 'Template' ? [{ index, name: isRecord(d.metadata) ? d.metadata.name : undefined }] : []));
  const names = templates.map(t => String(t.name ?? '(no name)'));
  if (name !== undefined) {
    const picked = templates.find(t => t.name === name);
    return picked ? { index: picked.index } : { names, missing: name };
  }
  if (templates.length > 1) return { names };
  return { index: templates[0]?.index ?? 0 };
}

/**
 * Template names (or a name asked for) as a message quotes them: at most ten, each cut to 100 characters
 * (they come from files a pull request writes); 'none' for none. Not escaped: the caller's output does that.
 */
export function quotedNames(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, 10).map(shortName).join(', ');
  return names.length > 10 ? `${shown}, and ${names.length - 10} more` : shown;
}

/** One name from a template file or a case, bounded as quotedNames bounds each. */
export function shortName(name: string): string {
  return name.length > 100 ? `${name.slice(0, 99)}…` : name;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
