import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The installed @backstage/plugin-scaffolder-backend's version, the one this toolkit judges templates
 * against: for messages about what that version does (a team on another release may see otherwise).
 */
export function scaffolderBackendVersion(): string {
  return (require('@backstage/plugin-scaffolder-backend/package.json') as { version: string }).version;
}
