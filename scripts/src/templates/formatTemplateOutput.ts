import { logLines, logText } from '../report/safeText.ts';

interface OutputLink {
  title?: unknown;
  url?: unknown;
  entityRef?: unknown;
  icon?: unknown;
}

/**
 * The template's rendered `spec.output` as the scaffolder's task page shows it once the task is done:
 * its links (a URL, or an entity ref that opens in the catalog) and its text blocks (title, then the
 * Markdown content), in order. The runner has already dropped the items whose `if` is false. Every
 * value passes through safeText, so rendered input cannot forge log lines. Empty string without output.
 * `skipped`: the template's links as written and the ids of the steps skipped offline; a link left empty
 * because it reads such a step (catalog:register declares no output schema, so the dry-run gives it
 * none) says so rather than "(no url or entityRef)", which a run would not show.
 */
export function formatTemplateOutput(output: Record<string, unknown>, skipped?: { links: readonly unknown[]; stepIds: readonly string[] }): string {
  // Entries that are not mappings (a null left in the list) show nothing, as the scaffolder's page does.
  const records = (list: unknown) => (Array.isArray(list) ? list.filter(e => typeof e === 'object' && e !== null && !Array.isArray(e)) : []);
  const links = records(output.links) as OutputLink[];
  const texts = records(output.text) as { title?: unknown; content?: unknown }[];
  const lines: string[] = [];
  if (links.length) {
    lines.push('Links:');
    for (const link of links) {
      const readsSkipped = () => {
        const written = (skipped?.links ?? []).find(l => typeof l === 'object' && l !== null && (l as OutputLink).title === link.title);
        const text = JSON.stringify(written ?? null);
        return (skipped?.stepIds ?? []).find(id => text.includes(`steps.${id}.`) || text.includes(`steps['${id}']`) || text.includes(`steps[\\"${id}\\"]`));
      };
      const empty = () => {
        const id = readsSkipped();
        return id === undefined ? '(no url or entityRef)' : `(known once the skipped step ${id} runs; offline the dry-run gives its action no output)`;
      };
      const raw = typeof link.url === 'string' && link.url ? link.url : typeof link.entityRef === 'string' && link.entityRef ? `catalog entity ${link.entityRef}` : empty();
      // A step skipped offline answers with the dry-run's example outputs ("<example>"), not a real address.
      const target = raw.includes('<example>') ? '(known once the skipped publish or register step runs; offline the dry-run gives only "<example>")' : raw;
      lines.push(`  ${logText(String(link.title ?? target))}: ${logText(target)}`);
    }
  }
  for (const text of texts) {
    lines.push(`${logText(String(text.title ?? 'Text'))}:`);
    lines.push(...logLines(String(text.content ?? '')).split('\n').map(line => `  ${line}`));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
