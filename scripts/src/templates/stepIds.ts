/**
 * The id the scaffolder knows a step by: its router hands the runner `id: step.id ?? \`step-${index + 1}\``
 * (plugin-scaffolder-backend 4.2.0, service/router.cjs.js, for a task and for a dry-run alike), so the
 * second step written without an id is `step-2` in `steps['step-2']`, in the task's log and in its errors.
 * Takes the step as written and its 0-based index; returns undefined for an id that is neither a string nor
 * absent (a number the runner keeps as it stands, which no expression can name as text).
 */
export function stepIdOf(step: unknown, index: number): string | undefined {
  const id = step && typeof step === 'object' ? (step as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : id === undefined || id === null ? `step-${index + 1}` : undefined;
}

/**
 * The steps as the scaffolder's router hands them to the runner, for a task and for a dry-run alike:
 * a step without `id` is `step-<n>` (1-based) and one without `name` is named by its action. Without
 * this the runner cannot record the step's output (its context path would hold `undefined`).
 * Takes the template's steps as written; returns new step objects (non-objects pass through untouched).
 */
export function normalizeSteps(steps: readonly object[]): object[] {
  return steps.map((step, index) => {
    if (!step || typeof step !== 'object' || Array.isArray(step)) return step;
    const s = step as { id?: unknown; name?: unknown; action?: unknown };
    return { ...step, id: s.id ?? `step-${index + 1}`, name: s.name ?? s.action };
  });
}
