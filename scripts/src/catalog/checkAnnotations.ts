import { posix } from 'node:path';
import { entityModelCore } from '../backstage.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { diagnosticAt, type CatalogEntity, type Finding } from './catalogEntity.ts';
import { siteConfigIn } from '../techdocs/techdocsSites.ts';
import type { TechdocsGeneratorSettings } from '../techdocs/techdocsSanitizer.ts';
import { SOURCE_LOCATION, techdocsDirFolder } from '../techdocs/techdocsDirFolder.ts';
import { envPlaceholderNote } from './envPlaceholder.ts';
import { leavesRoot } from '../load/leavesRoot.ts';
import { resolveRelative } from './locationTargets.ts';
import { boundedText } from '../report/safeText.ts';

const LOCATION_REFS = ['backstage.io/techdocs-ref', 'backstage.io/source-location', 'backstage.io/managed-by-location', 'backstage.io/managed-by-origin-location'];
// Overwritten on every read: ProcessorOutputCollector sets both on each entity a Location emits.
const MANAGED = ['backstage.io/managed-by-location', 'backstage.io/managed-by-origin-location'];
const ORPHAN = 'backstage.io/orphan';
// Who stops on a location ref parseLocationRef refuses, once the catalog has stored the entity as it is
// (techdocs-node getLocationForEntity / transformDirLocation, scaffolder-backend getEntityBaseUrl).
const LOCATION_REF_READERS: Record<string, string> = {
  'backstage.io/techdocs-ref': 'Backstage stores the entity, but TechDocs reads this annotation first and builds no docs for it.',
  'backstage.io/source-location': "Backstage stores the entity, but what reads its source location stops with this error: TechDocs when techdocs-ref is dir:…, and the scaffolder when the entity is a Template (its base URL for relative urls).",
};
// Backstage's own URL annotations: the entity page's "View source" and "Edit" buttons link to them as written.
const BACKSTAGE_URLS = ['backstage.io/view-url', 'backstage.io/edit-url'];
// A host name with a dot and a top-level label of letters, then the end or a path: github.com/acme/x, grafana.acme.io.
const SCHEMELESS_ADDRESS = /^(?:[a-z0-9-]+\.)+[a-z]{2,63}(?::\d+)?(?:[/?#]\S*)?$/i;
const UUIDS = ['graph.microsoft.com/user-id', 'graph.microsoft.com/group-id', 'graph.microsoft.com/tenant-id', 'backstage.io/ldap-uuid'];
const SLUGS = ['github.com/project-slug', 'dev.azure.com/project-repo', 'github.com/team-slug'];
const SLUG_SHAPES: Record<string, string> = { 'github.com/project-slug': '<owner>/<repository>', 'dev.azure.com/project-repo': '<project>/<repository>', 'github.com/team-slug': '<org>/<team-slug>' };
const SLUG_HINTS: Record<string, string> = {
  'github.com/project-slug': 'For example acme/orders-api, without https://github.com/.',
  'dev.azure.com/project-repo': 'For example Platform/orders-api: the project, a slash, the repository.',
  'github.com/team-slug': "For example acme/payments: the organisation, a slash, the team's slug as in https://github.com/orgs/acme/teams/payments (CODEOWNERS writes it @acme/payments).",
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// GitHub owners, repositories and teams hold no white space; Azure DevOps project and repository names may
// (Fabrikam Fiber/fabrikam-web: the azure-devops plugin splits the annotation at its `/`): plain spaces, not at
// either end; no other white space and no control or format character (Azure DevOps refuses them).
const SLUG = /^[^/\s]+\/[^/\s]+$/;
const AZURE_SLUG = /^[^/\s\p{Cc}\p{Cf}](?: *[^/\s\p{Cc}\p{Cf}])*\/[^/\s\p{Cc}\p{Cf}](?: *[^/\s\p{Cc}\p{Cf}])*$/u;

export interface AnnotationContext {
  repoUrl?: string;
  repoFiles: ReadonlySet<string>;
  /** The managed Backstage's techdocs.generator.mkdocs settings (legacyCopyReadmeMdToIndexMd makes a README buildable). */
  techdocsSettings?: TechdocsGeneratorSettings;
}

/** Annotation values Backstage stores as-is but plugins later mis-read. */
export function checkAnnotations(entity: CatalogEntity, context: AnnotationContext): Diagnostic[] {
  const metadata = isRecord(entity.entity.metadata) ? entity.entity.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  const diagnostics: Diagnostic[] = [];
  for (const key of Object.keys(annotations)) {
    const value = annotations[key];
    if (typeof value !== 'string') continue;
    const finding = annotationFinding(key, value, entity, context);
    // An id or URL written as ${VAR} for a substitution that never comes: say so before the usual fix.
    const note = finding && finding.severity !== 'info' ? envPlaceholderNote(value) : '';
    if (finding) diagnostics.push(diagnosticAt(entity, ['metadata', 'annotations', key], note ? { ...finding, hint: `${note}${finding.hint ?? ''}`.trim() } : finding));
  }
  return diagnostics;
}

function annotationFinding(key: string, value: string, entity: CatalogEntity, context: AnnotationContext): Finding | undefined {
  if (MANAGED.includes(key)) {
    return { ruleId: 'annotation-managed', severity: 'warning', message: `${key} is set by Backstage when it reads this file; a value written here is overwritten.`, hint: 'Remove the annotation.' };
  }
  if (key === ORPHAN) return orphanFinding(value);
  if (LOCATION_REFS.includes(key)) {
    try {
      entityModelCore().parseLocationRef(value);
    } catch (error) {
      return { ruleId: 'annotation-location-ref', severity: 'error', message: `${key}: ${(error as Error).message}. ${LOCATION_REF_READERS[key] ?? 'Backstage stores the entity as it is; what reads the annotation later stops with this error.'}`, hint: `Write it as <type>:<target>, e.g. ${key.endsWith('techdocs-ref') ? 'dir:.' : 'url:https://github.com/org/repo/tree/main/'}` };
    }
    if (key === 'backstage.io/techdocs-ref') return techdocsFinding(value, entity, context);
    return undefined;
  }
  if (UUIDS.includes(key) && !UUID.test(value)) {
    return { ruleId: 'annotation-uuid', severity: 'error', message: `${key} must be a UUID, found "${value}".`, hint: 'Copy the object id from Entra ID (or the directory), e.g. 0f8fad5b-d9cb-469f-a165-70867728950e.' };
  }
  if (SLUGS.includes(key) && !(key.startsWith('dev.azure.com') ? AZURE_SLUG : SLUG).test(value)) {
    return { ruleId: 'annotation-project-slug', severity: 'error', message: `${key} must be ${SLUG_SHAPES[key]}, found "${value}".`, hint: SLUG_HINTS[key] };
  }
  if (BACKSTAGE_URLS.includes(key) && !isHttpUrl(value)) {
    return { ruleId: 'annotation-url', severity: 'error', message: `${key} must be an absolute http(s) URL, found "${value}": Backstage's entity page links to it as written.`, hint: 'Write the full address, starting with https://.' };
  }
  // A plugin's own *-url annotation may hold a path its plugin joins to a base (Roadie's argocd/proxy-url:
  // /argocd/api) or another scheme: only an address written without its scheme is surely a mistake.
  if ((key.endsWith('-url') || key.endsWith('/url')) && !BACKSTAGE_URLS.includes(key) && SCHEMELESS_ADDRESS.test(value)) {
    return { ruleId: 'annotation-url', severity: 'error', message: `${key} holds the address "${value}" without its scheme: a link to it leads to a path of the Backstage app, not to that host.`, hint: `Write https://${value}.` };
  }
  return undefined;
}

/**
 * backstage.io/orphan written in a file. Backstage only ever adds it, in stitching, to an entity that no
 * Location references any more (performStitching.cjs.js:65-72 spreads it over the entity's own annotations),
 * and never removes one written in the file: "true" makes a live entity look orphaned (the catalog page's
 * orphan warning offers to delete it; `filter=metadata.annotations.backstage.io/orphan=true` finds it).
 * Any other value is only noise until the entity really is orphaned.
 */
function orphanFinding(value: string): Finding {
  const hint = `Remove the annotation: Backstage adds ${ORPHAN}: "true" itself when nothing references the entity any more.`;
  if (value === 'true') {
    return { ruleId: 'annotation-managed', severity: 'warning', message: `${ORPHAN}: "true" marks this entity as orphaned although Backstage still reads it here: Backstage keeps a value written here, so the entity page warns that it is orphaned (and offers to delete it) and orphan queries (filter=metadata.annotations.${ORPHAN}=true) list it.`, hint };
  }
  return { ruleId: 'annotation-managed', severity: 'warning', message: `${ORPHAN} is Backstage's own marker for an entity nothing references; it only ever sets it to "true" (when the entity is orphaned) and keeps a value written here, so ${JSON.stringify(value.slice(0, 100))} says nothing and hides nothing.`, hint };
}

function techdocsFinding(value: string, entity: CatalogEntity, context: AnnotationContext): Finding | undefined {
  if (value.startsWith('url:')) return techdocsUrlFinding(value, entity, context);
  if (!value.startsWith('dir:')) return undefined;
  const metadata = isRecord(entity.entity.metadata) ? entity.entity.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  // With a source-location of its own, TechDocs resolves dir: against it, not against this file.
  const fromFile = typeof annotations[SOURCE_LOCATION] !== 'string';
  const relativeTo = fromFile ? 'this file' : `${SOURCE_LOCATION}, which TechDocs resolves it against`;
  const folder = techdocsDirFolder(entity.file, value.slice(4), annotations, context.repoUrl);
  // TechDocs resolves dir: against the entity's location URL (transformDirLocation) and keeps climbing:
  // `dir:/../other-branch/site` builds the docs of a branch or repository nobody reviews here.
  if (folder === null) {
    return {
      ruleId: 'techdocs-ref-outside',
      severity: 'error',
      message: `backstage.io/techdocs-ref ${JSON.stringify(value.length > 200 ? `${value.slice(0, 199)}…` : value)} leads outside this repository: TechDocs would build these docs from another branch or repository, whose content nobody reviews here.`,
      hint: 'Point dir: at a folder inside this repository (relative to this file, or from its root with /).',
    };
  }
  if (typeof folder !== 'string') return undefined;
  const base = folder === '.' || folder === '' ? '' : `${folder.replace(/\/$/, '')}/`;
  if (siteConfigIn(base.replace(/\/$/, ''), context.repoFiles, context.techdocsSettings)) return undefined;
  // Its hint writes the dir: relative to this file, which only holds without a source-location.
  const above = fromFile ? docsFolderNamed(base, entity.file, context.repoFiles) : undefined;
  if (above) {
    const name = posix.basename(base.replace(/\/$/, ''));
    return {
      ruleId: 'techdocs-ref-missing',
      severity: 'error',
      message: `backstage.io/techdocs-ref points at ${base}, which holds the pages themselves (${base}index.md) but neither a mkdocs.yml nor a docs/ folder: dir: names the site's root, the folder above the pages. TechDocs writes a default mkdocs.yml into ${base} that reads ${base}docs/, which does not exist, so it cannot build this entity's docs.`,
      hint: name === 'docs'
        ? `Write ${above} (relative to this file): the folder that holds ${base}, whose default mkdocs.yml reads it.`
        : `Write ${above} (relative to this file) and add a mkdocs.yml there with docs_dir: ${name}, or move the pages into ${base}docs/.`,
    };
  }
  // `url:…/tree/main/services/y` without its trailing slash: TechDocs resolves dir: against it as against a
  // file's URL, so dir:. is services/, the folder above the one meant.
  const location = annotations[SOURCE_LOCATION];
  if (typeof location === 'string' && /^url:.*[^/]$/.test(location)) {
    const asFolder = techdocsDirFolder(entity.file, value.slice(4), { ...annotations, [SOURCE_LOCATION]: `${location}/` }, context.repoUrl);
    const meant = typeof asFolder === 'string' ? (asFolder === '.' ? '' : asFolder.replace(/\/$/, '')) : undefined;
    if (meant !== undefined && siteConfigIn(meant, context.repoFiles, context.techdocsSettings)) {
      return {
        ruleId: 'techdocs-ref-missing',
        severity: 'error',
        message: `backstage.io/techdocs-ref points at ${base || './'} but there is neither a mkdocs.yml nor a docs/ folder there, so TechDocs cannot build this entity's docs: ${SOURCE_LOCATION} ends without a "/", so TechDocs resolves dir: against it as the address of a file, in the folder above ${meant}/.`,
        hint: `End ${SOURCE_LOCATION} with a "/" (${location.length > 200 ? `…${location.slice(-199)}` : location}/): then dir: resolves in ${meant}/, which has the docs.`,
      };
    }
  }
  return {
    ruleId: 'techdocs-ref-missing',
    severity: 'error',
    message: `backstage.io/techdocs-ref points at ${base || './'} but there is neither a mkdocs.yml nor a docs/ folder there, so TechDocs cannot build this entity's docs.`,
    hint: context.techdocsSettings?.legacyCopyReadmeMdToIndexMd ? `dir: is relative to ${relativeTo}; add README.md or docs/index.md there (TechDocs then writes a default mkdocs.yml), or mkdocs.yml with its docs folder, or fix the path.` : `dir: is relative to ${relativeTo}; add docs/index.md there (TechDocs then writes a default mkdocs.yml), or mkdocs.yml with its docs folder, or fix the path.`,
  };
}

/**
 * A `url:` techdocs-ref into this repository (its repoUrl's host, repository and branch) naming a folder with
 * neither a mkdocs.yml nor a docs/ folder (siteConfigIn), usually one that does not exist (fresh user, session
 * 47: RoadieHQ's argo-cd backend pointed at a plugin folder renamed since): TechDocs reads that folder through
 * the URL reader and has nothing to build. A URL of another repository or branch, or of a file, is not judged.
 */
function techdocsUrlFinding(value: string, entity: CatalogEntity, context: AnnotationContext): Finding | undefined {
  const url = value.slice(4).trim();
  let folder: string | null | undefined;
  // GitHub's and GitLab's folder URLs say tree/, repoUrl a file's blob/: one repository and ref.
  for (const candidate of new Set([url, url.replace(/\/(-\/)?tree\//, '/$1blob/')])) {
    folder = /^https?:\/\//i.test(candidate) ? resolveRelative(entity.file, candidate.replace(/\/+$/, ''), context.repoUrl) : undefined;
    if (typeof folder === 'string') break;
  }
  if (typeof folder !== 'string') return undefined;
  const path = folder === '.' ? '' : folder.replace(/\/$/, '');
  if (context.repoFiles.has(path) || siteConfigIn(path, context.repoFiles, context.techdocsSettings)) return undefined;
  const exists = [...context.repoFiles].some(file => file.startsWith(`${path}/`));
  const shown = value.length > 200 ? `${value.slice(0, 199)}…` : value;
  return {
    ruleId: 'techdocs-ref-missing',
    severity: 'error',
    message: `backstage.io/techdocs-ref ${JSON.stringify(shown)} points at ${path ? `${boundedText(path, 200)}/` : 'the root'} of this repository, which ${exists ? 'holds neither a mkdocs.yml nor a docs/ folder' : 'does not exist'}: TechDocs reads that folder through the URL and has nothing to build, so this entity gets no docs.`,
    hint: exists ? 'Add a mkdocs.yml (or a docs/ folder with index.md) there, or point the URL at the folder that has them.' : 'Point the URL at the folder that holds the docs (it may have been renamed or moved), or use dir: with a path relative to this file.',
  };
}

/**
 * When the folder a techdocs-ref `dir:` names (`base`, with its trailing slash) is a docs folder itself (it
 * holds index.md) and not the repository root: the `dir:` value, relative to the entity's file, of the folder
 * above it, which TechDocs would build (its default mkdocs.yml reads `docs/` there). Else undefined.
 */
function docsFolderNamed(base: string, entityFile: string, repoFiles: ReadonlySet<string>): string | undefined {
  if (!base || !repoFiles.has(`${base}index.md`)) return undefined;
  const parent = posix.dirname(base.replace(/\/$/, ''));
  const from = posix.dirname(entityFile);
  const relative = posix.relative(from === '.' ? '' : from, parent === '.' ? '' : parent);
  return `dir:${relative === '' ? '.' : leavesRoot(relative) ? relative : `./${relative}`}`;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
