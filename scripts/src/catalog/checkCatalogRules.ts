import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';

const require = createRequire(import.meta.url);

interface RulesEnforcer {
  isAllowed(entity: unknown, location: { type: string; target: string }): boolean;
}

/** Backstage's own catalog.rules enforcer, built from the managed Backstage's app-config. */
export function rulesEnforcer(appConfig: unknown): RulesEnforcer {
  const { ConfigReader } = require('@backstage/config');
  const dist = dirname(require.resolve('@backstage/plugin-catalog-backend'));
  const { DefaultCatalogRulesEnforcer } = require(join(dist, 'ingestion/CatalogRules.cjs.js'));
  return DefaultCatalogRulesEnforcer.fromConfig(new ConfigReader(appConfig ?? {}));
}

/**
 * Entities the managed Backstage would refuse to ingest from the location they arrive through, judged by
 * its own DefaultCatalogRulesEnforcer. For an entity in `unknownKind` (its kind already an
 * entity-kind-unknown finding: usually a typo such as `Componnet`, else a kind whose catalog module is not
 * loaded) the hint says to correct the kind first: "allow it in catalog.rules" would tell a newcomer to
 * allow the typo. Takes the entities, the enforcer, where each file is read from, the app-config named in
 * the hint; returns catalog-rule-denied findings on each entity's `kind`; never throws.
 */
export function checkCatalogRules(
  entities: readonly CatalogEntity[],
  enforcer: RulesEnforcer,
  originOf: (file: string) => { type: string; target: string },
  /** The app-config file the rules come from (gitops.config.yaml's catalog.appConfig), named in the hint. */
  appConfigFile = 'the app-config',
  unknownKind: (entity: CatalogEntity) => boolean = () => false,
  /** How the message names the location: its target, unless a repo path says it better (an absolute file target). */
  shown: (file: string, target: string) => string = (_file, target) => target,
): Diagnostic[] {
  return entities
    .filter(e => e.kind && !enforcer.isAllowed(e.entity, originOf(e.file)))
    .map(e => ({ e, origin: originOf(e.file) }))
    .map(({ e, origin }) =>
      diagnosticAt(e, ['kind'], {
        ruleId: 'catalog-rule-denied',
        severity: 'error',
        message: `Entity ${e.ref} at ${shown(e.file, origin.target)}, is not of an allowed kind for that location: the managed Backstage's catalog.rules do not allow ${e.kind} here.`,
        hint: unknownKind(e)
          ? `${e.kind} is not a kind the managed Backstage knows (entity-kind-unknown on this line): correct the kind first. Only a custom kind a catalog module adds also needs allowing in catalog.rules in ${appConfigFile}.`
          : `Allow ${e.kind} in catalog.rules (or in the rules of this location) in ${appConfigFile}, or register it elsewhere.`,
      }),
    );
}
