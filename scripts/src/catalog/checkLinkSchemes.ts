import type { Diagnostic } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import type { PathSegment } from '../load/yamlPath.ts';

// Backstage shows these fields through core-components' Link: metadata.links on the entity page's links card,
// the url: source location as the About card's "View source", a Template's output links after a run.
// catalog-model only asks that each parse as a URL (new URL), so any scheme is stored. Link throws on a
// javascript: URL (its own check, after React's), which replaces the card with an error; any other scheme
// goes to the browser as an href, which opens none of the ones below from a Backstage page.
const REFUSED: Record<string, string> = {
  'javascript:': "Backstage's Link component refuses javascript: URLs as a security precaution: the card shows an error instead of its links, and a plugin that renders the URL as a plain link would run the script in the user's Backstage session",
  'vbscript:': 'no browser in use runs vbscript: URLs (they ran scripts in Internet Explorer), so the link does nothing',
  'data:': 'browsers refuse to open a data: URL from a web page (it can carry a whole page, scripts included), so the link does nothing',
  'file:': "browsers refuse to open a file: URL from a web page, and it would name a file on the reader's own machine",
  'blob:': 'a blob: URL names data held in one browser tab, so from a Backstage page the link leads nowhere',
};

// A template expression stands for what the run fills in; only the scheme written around it is judged.
const EXPRESSION = /\$\{\{[\s\S]*?\}\}/g;

/**
 * `link-url-scheme` errors for each URL Backstage renders as a link whose scheme no browser opens from a
 * Backstage page (javascript:, vbscript:, data:, file:, blob:): metadata.links[].url, a url: target of
 * backstage.io/source-location, a Template's spec.output.links[].url, and the links and images of its
 * spec.output.text[].content Markdown (javascript:, vbscript:, data: there). The scheme is read as browsers
 * and catalog-model read it (WHATWG URL: leading blanks and control characters, tabs and line breaks
 * dropped, any case), so `  JaVa\tscript:` is javascript:. Pure.
 */
export function checkLinkSchemes(entity: CatalogEntity): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const judge = (value: unknown, path: readonly PathSegment[], field: string, said?: string) => {
    const scheme = typeof value === 'string' ? schemeOf(value.replace(EXPRESSION, 'x')) : undefined;
    const why = scheme && scheme !== said && Object.hasOwn(REFUSED, scheme) ? REFUSED[scheme] : undefined;
    if (!why) return;
    diagnostics.push(
      diagnosticAt(entity, path, {
        ruleId: 'link-url-scheme',
        severity: 'error',
        message: `${field} is a ${scheme} URL, which Backstage shows as a link: ${why}.`,
        hint: 'Link to an https:// address (mailto:, tel: and apps\' own schemes such as slack: work too), or remove the link.',
      }),
    );
  };
  const { metadata, spec, kind } = entity.entity;
  const links = isRecord(metadata) && Array.isArray(metadata.links) ? metadata.links : [];
  links.forEach((link, i) => isRecord(link) && judge(link.url, ['metadata', 'links', i, 'url'], `metadata.links[${i}].url`));
  const annotations = isRecord(metadata) && isRecord(metadata.annotations) ? metadata.annotations : {};
  const source = annotations['backstage.io/source-location'];
  // catalog-model's parseLocationRef refuses a javascript: target itself: annotation-location-ref says so.
  if (typeof source === 'string' && source.startsWith('url:')) judge(source.slice(4), ['metadata', 'annotations', 'backstage.io/source-location'], 'The url: target of backstage.io/source-location', 'javascript:');
  const output = kind === 'Template' && isRecord(spec) && isRecord(spec.output) && Array.isArray(spec.output.links) ? spec.output.links : [];
  output.forEach((link, i) => isRecord(link) && judge(link.url, ['spec', 'output', 'links', i, 'url'], `spec.output.links[${i}].url`));
  const texts = kind === 'Template' && isRecord(spec) && isRecord(spec.output) && Array.isArray(spec.output.text) ? spec.output.text : [];
  texts.forEach((text, i) => {
    if (!isRecord(text) || typeof text.content !== 'string') return;
    const url = markdownUrls(text.content.replace(EXPRESSION, 'x')).find(u => Object.hasOwn(IN_MARKDOWN, schemeOf(u) ?? ''));
    if (!url) return;
    const scheme = schemeOf(url)!;
    diagnostics.push(
      diagnosticAt(entity, ['spec', 'output', 'text', i, 'content'], {
        ruleId: 'link-url-scheme',
        severity: 'error',
        message: `spec.output.text[${i}].content links to a ${scheme} URL, in Markdown that Backstage shows on the task page after every run: ${IN_MARKDOWN[scheme]}.`,
        hint: 'Link to an https:// address (mailto: and tel: work too), or remove the link or image.',
      }),
    );
  });
  return diagnostics;
}

// Backstage's MarkdownContent renders spec.output.text with react-markdown, whose default uriTransformer keeps
// http(s), mailto and tel only: a link or image of these schemes becomes javascript:void(0), so it does nothing.
const IN_MARKDOWN: Record<string, string> = {
  'javascript:': 'react-markdown replaces it with javascript:void(0), so the link does nothing, and a plugin that renders the text another way would run the script in the user\'s Backstage session',
  'vbscript:': 'react-markdown replaces it with javascript:void(0), and no browser in use runs vbscript: URLs, so the link does nothing',
  'data:': 'react-markdown replaces it with javascript:void(0), and browsers refuse to open a data: URL from a web page (it can carry a whole page, scripts included), so the link or image shows nothing',
};

/**
 * The URLs of a Markdown text's links and images as CommonMark writes them: inline `[x](url)` and `![x](url)`
 * (`<url>` too), autolinks `<scheme:…>` and reference definitions `[x]: url`, the first 200 of them. Linear
 * scans; raw HTML is shown as text by MarkdownContent (no rehype-raw), so its href is not a link.
 */
function markdownUrls(text: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\]\([ \t\n]*<?([^\s)>]+)/g, /<([a-z][a-z0-9+.-]{1,31}:[^\s<>]*)>/gi, /^ {0,3}\[[^\]\n]{1,999}\]:[ \t]*<?([^\s>]+)/gm]) {
    for (const match of text.matchAll(pattern)) {
      found.push(match[1]);
      if (found.length >= 200) return found;
    }
  }
  return found;
}

function schemeOf(value: string): string | undefined {
  try {
    return new URL(value).protocol.toLowerCase();
  } catch {
    return undefined;
  }
}
