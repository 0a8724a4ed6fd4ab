import { yamlPackage } from './lazyPackages.ts';
import { isStackExhaustion } from './tooDeep.ts';
import { affordableYaml, YamlBudgetError } from './yamlNodeBudget.ts';

/**
 * Why a YAML text's aliases expand past what Backstage's reader allows (yaml's maxAliasCount, 100), or
 * undefined. The parsers that read CI definitions and mkdocs.yml (and the sanitizer's walk) copy an alias out in
 * full at each use: eight nested levels of ten aliases each (a 600-byte file) held them for a minute and GBs, nine ran V8 out of memory.
 */
export function aliasesExplode(text: string): string | undefined {
  // Counting needs a parse: a text `yaml` cannot read in bounded time is refused as such (the gate's reader reports it).
  try {
    affordableYaml(text);
  } catch (error) {
    if (error instanceof YamlBudgetError) return `${error.message}, so it is not read`;
    throw error;
  }
  // yaml is loaded on first use (lazyPackages): a plain catalog's check never needs it.
  for (const document of yamlPackage().parseAllDocuments(text, { logLevel: 'error', prettyErrors: false })) {
    // A document yaml finds errors in may still be one another parser reads (js-yaml, PyYAML): its aliases count too.
    try {
      document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      if (error instanceof ReferenceError || isStackExhaustion(error)) return 'its anchors and aliases expand past 100 copies (a resource-exhaustion pattern Backstage refuses too), so it is not expanded';
    }
  }
  return undefined;
}
