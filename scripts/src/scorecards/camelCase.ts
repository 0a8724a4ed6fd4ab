import { createRequire } from 'node:module';

/**
 * lodash's camelCase, which the techdocs retriever uses to name its facts, loaded as the retriever loads
 * it (`require('lodash/camelCase')`, tech-insights-backend's factRetrievers/utils): the one function and
 * its helpers, not the whole of lodash (an ES import of lodash costs about 50 ms at every check).
 */
export const camelCase: (text: string) => string = createRequire(import.meta.url)('lodash/camelCase');
