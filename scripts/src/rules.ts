import type { Severity } from './diagnostic.ts';

export interface Rule {
  id: string;
  severity: Severity;
  /** What the rule protects against, in one sentence. */
  description: string;
  /** A minimal YAML fragment that triggers the rule. */
  example: string;
  /** A short name (an org policy schema's `title`); the description's first sentence when absent. */
  title?: string;
  /** How to fix a finding (an org policy schema's `x-hint`); the example is shown when absent. */
  hint?: string;
}

export class RuleRegistry {
  readonly #rules = new Map<string, Rule>();

  add(rule: Rule): this {
    if (this.#rules.has(rule.id)) throw new Error(`Rule id '${rule.id}' is registered twice`);
    if (!/^[a-z0-9]+(?:[-/][a-z0-9]+)*$/.test(rule.id)) throw new Error(`Rule id '${rule.id}' is not kebab-case`);
    this.#rules.set(rule.id, rule);
    return this;
  }

  get(id: string): Rule | undefined {
    return this.#rules.get(id);
  }

  list(): Rule[] {
    return [...this.#rules.values()];
  }
}
