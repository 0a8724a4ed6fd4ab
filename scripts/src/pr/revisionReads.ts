import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { checkoutBase, loadEntities } from '../scorecards/prepareScorecards.ts';
import { removeTemporary } from '../process/temporaryCheckouts.ts';

/** A revision's catalog entities, loaded but not checked, and the files of its tree (loadEntities). */
export interface RevisionEntities {
  entities: CatalogEntity[];
  repoFiles: string[];
  /** Refs of entities Backstage's validators refuse (loadEntities); absent when the gate's own run collected them. */
  refused?: ReadonlySet<string>;
}

/**
 * What one `report --base` process reads of the two revisions, read once and shared by the gate it runs
 * (`check --base`) and the report itself: the base revision extracted once (checkoutBase: `git archive`
 * into a temporary folder), its entities loaded once, and the head's entities as the gate's own catalog
 * run collected them. Each was read twice before, once per side (a 10k-entity catalog's report spent most
 * of its time there). Nothing here is judged differently: the gate and the report read the same tree.
 *
 * Not shared across processes, and only within one command: `dispose` removes the extracted folder.
 */
export class RevisionReads {
  #baseDir: Promise<string> | undefined;
  #base: Promise<RevisionEntities> | undefined;
  #head: RevisionEntities | undefined;
  #changed: Promise<string[]> | undefined;

  /** `root`: the head's repository root; `baseRef`: the revision `--base` names. */
  constructor(readonly root: string, readonly baseRef: string) {}

  /** The base revision's folder (extracted on first use). Throws UsageError when the base cannot be read. */
  baseDir(): Promise<string> {
    return (this.#baseDir ??= checkoutBase(this.root, this.baseRef));
  }

  /**
   * Starts extracting the base now, in child processes, while the caller's thread does other work (the
   * gate's catalog run); a failure is thrown where the folder is first awaited.
   */
  prefetchBase(): void {
    this.baseDir().catch(() => undefined);
  }

  /** The base revision's entities (loaded on first use), read with the repoUrl the head's checkout gives. */
  baseEntities(): Promise<RevisionEntities> {
    return (this.#base ??= this.baseDir().then(dir => loadEntities(dir, this.root)));
  }

  /**
   * Called by the gate with the entities its catalog run collected from every file under the root (the
   * same files and the same collectEntities as loadEntities): the report then need not load them again.
   */
  keepHead(head: RevisionEntities): void {
    this.#head = head;
  }

  /** The head's entities: the gate's, or loaded now when the gate did not load the catalog (a replayed run). */
  async headEntities(): Promise<RevisionEntities> {
    return (this.#head ??= await loadEntities(this.root));
  }

  /**
   * The files that differ from the base (gitChangedFiles: one `git diff` and one `git ls-files --others`, which
   * walks the work tree), listed on first use and shared by config-weakened, secret-written and the report.
   * Rejects with gitChangedFiles' UsageError.
   */
  changedFiles(): Promise<string[]> {
    return (this.#changed ??= import('./gitChangedFiles.ts').then(({ gitChangedFiles }) => gitChangedFiles(this.root, this.baseRef)));
  }

  /** Removes the extracted base folder, if there is one; never throws. */
  async dispose(): Promise<void> {
    const dir = await this.#baseDir?.catch(() => undefined);
    if (dir !== undefined) await removeTemporary(dir);
  }
}
