import lodash from 'lodash';

/** lodash's camelCase, which the techdocs retriever uses to name its facts. */
export const camelCase: (text: string) => string = lodash.camelCase;
