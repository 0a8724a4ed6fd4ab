import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { quietWorker } from '../process/quietWorker.ts';

/** What the template thread judges: templateGate's arguments, as plain data (it crosses threads). */
export interface TemplateGateJob {
  root: string;
  files: string[];
  repoFiles: string[];
  config: GitopsConfig;
}

/** The thread's answer: templateGate's findings, or why it could not give them. */
export type TemplateGateReply = { diagnostics: Diagnostic[] } | { error: string };

/**
 * A worker thread (templateGateWorker.mjs, bundled beside the CLI) that loads the template checks'
 * packages (the scaffolder's actions and templating, nunjucks, the template schemas) while the main thread
 * loads and checks the catalog, and runs templateGate while the main thread runs the gates after it
 * (CODEOWNERS, the Backstage config, the scorecards). The two share no state: templateGate reads the
 * repository and is given the config and file list the main thread loaded. It is only a faster way to the
 * same findings: whatever goes wrong in the thread (it fails to start, load or answer, or templateGate
 * throws there), `run` runs templateGate on the main thread instead, which then gives the findings or
 * throws its own error as it always did.
 */
export class TemplateGateThread {
  readonly #worker: Worker;
  readonly #reply: Promise<TemplateGateReply>;
  readonly #required: boolean;

  private constructor(url: URL, required: boolean) {
    this.#required = required;
    this.#worker = quietWorker(url);
    // It never keeps the process alive on its own: run() holds it while it waits.
    this.#worker.unref();
    this.#reply = new Promise(resolve => {
      this.#worker.once('message', (reply: TemplateGateReply) => resolve(reply));
      this.#worker.once('error', error => resolve({ error: error.message }));
      this.#worker.once('exit', code => resolve({ error: `it exited with code ${code}` }));
    });
  }

  /**
   * Starts the thread (it begins loading templateGate's modules at once); undefined when the bundle has no
   * template thread, as when the sources run without a build. `setting` is BACKSTAGE_GITOPS_TEMPLATE_THREAD
   * (internal, for tests and measurements): `never` starts none; `require` makes a thread that fails an
   * error instead of a fall-back, so a test can tell that the thread gave the findings.
   */
  static start(setting: string | undefined): TemplateGateThread | undefined {
    if (setting === 'never') return undefined;
    const url = new URL('./templateGateWorker.mjs', import.meta.url);
    return existsSync(fileURLToPath(url)) ? new TemplateGateThread(url, setting === 'require') : undefined;
  }

  /**
   * templateGate(job.root, { files, repoFiles, config }) on the thread: the Diagnostics in templateGate's
   * order. Throws only what templateGate throws on this thread, to which it falls back when the thread
   * fails in any way. The thread ends either way; `run` is called at most once.
   */
  async run(job: TemplateGateJob): Promise<Diagnostic[]> {
    this.#worker.ref();
    this.#worker.postMessage(job);
    const reply = await this.#reply;
    this.stop();
    if ('diagnostics' in reply) return reply.diagnostics;
    if (this.#required) throw new Error(`the template thread failed: ${reply.error}`);
    const { templateGate } = await import('./templateGate.ts');
    return templateGate(job.root, { files: job.files, repoFiles: job.repoFiles, config: job.config });
  }

  /** Ends the thread (a run that never needed it: no template to judge, or a gate that threw first). */
  stop(): void {
    void this.#worker.terminate();
  }
}
