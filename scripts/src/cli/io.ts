/** Everything a command may touch outside pure code, passed in so tests can run commands in-process. */
export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: { write(text: string): void; isTTY?: boolean };
  stderr: { write(text: string): void };
  /** True when a person can answer prompts (stdin is a terminal); commands never prompt otherwise. */
  interactive?: boolean;
  writeFile(path: string, text: string): Promise<void>;
  fetch: typeof fetch;
}

export function wantsColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stdout.isTTY);
}
