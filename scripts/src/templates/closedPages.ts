import { isRecord } from '../load/loadCatalog.ts';

/** A page that refuses what other pages ask for: the names it does not allow, and whether one of them is required there. */
export interface ClosedPage {
  page: number;
  names: string[];
  required: boolean;
}

/**
 * Pages with `additionalProperties: false` whose own `properties` and `patternProperties` leave out a property
 * another page declares. The backend validates the whole form's values against every page (jsonschema, in
 * scaffolder-backend's router) and the form submits the values of all its pages together, so such a page refuses
 * the task whenever the other page's field is given; always when that page requires it. Only top-level
 * `properties` of the other page count (what a branch declares is given only in that branch: judged not here).
 * `unread` tells a placeholder's stand-in (unreadPlaceholder): a page whose own properties are one is not judged.
 */
export function closedPages(pages: readonly unknown[], unread: (value: unknown) => boolean = () => false): ClosedPage[] {
  const found: ClosedPage[] = [];
  pages.forEach((page, i) => {
    if (!isRecord(page) || page.additionalProperties !== false) return;
    // properties (or patternProperties) Backstage reads from a URL at ingestion: what the page allows is unknown.
    if (unread(page.properties) || unread(page.patternProperties)) return;
    const own = isRecord(page.properties) ? new Set(Object.keys(page.properties)) : new Set<string>();
    const patterns: RegExp[] = [];
    if (isRecord(page.patternProperties)) {
      for (const pattern of Object.keys(page.patternProperties)) {
        try {
          patterns.push(new RegExp(pattern, 'u'));
        } catch {
          // An invalid pattern is template-parameters-invalid's finding; with it, nothing is judged here.
          return;
        }
      }
    }
    const names: string[] = [];
    let required = false;
    pages.forEach((other, j) => {
      if (j === i || !isRecord(other) || !isRecord(other.properties)) return;
      const requiredThere = new Set(Array.isArray(other.required) ? other.required.filter((r): r is string => typeof r === 'string') : []);
      for (const name of Object.keys(other.properties)) {
        if (own.has(name) || patterns.some(p => p.test(name)) || names.includes(name)) continue;
        names.push(name);
        if (requiredThere.has(name)) required = true;
      }
    });
    if (names.length) found.push({ page: i, names, required });
  });
  return found;
}
