import type { SourceFile } from '../load/loadCatalog.ts';

export type Filter = Record<string, string | string[]> | Record<string, string | string[]>[];

export interface Level {
  id: string;
  name: string;
  rank: number;
}

export interface ScorecardConfig {
  target: { techInsightsBackend?: string; jsonfc: string; features: { checkFilter?: boolean; operatorDecorators?: boolean; factRetrieverIdParam?: boolean } };
  levels: Level[];
  baseLevel?: { id: string; name: string };
  maxExemptionDays: number;
  output: string;
}

export interface FactRetriever {
  id: string;
  version: string;
  builtin: boolean;
  provider: 'entityMetadata' | 'entityOwnership' | 'techdocs' | 'catalogQuality' | 'live';
  entityFilter?: Filter;
  schema: Record<string, { type: string; description: string }>;
  deploy?: { cadence: string; lifecycle?: object };
}

export interface Condition {
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
  fact?: string;
  operator?: string;
  value?: unknown;
  path?: string;
  params?: Record<string, unknown>;
  priority?: number;
  name?: string;
  /** A reference to a named condition; jsonfc registers none, so json-rules-engine fails on it. */
  condition?: string;
}

export interface CheckTest {
  name: string;
  entity?: Record<string, unknown>;
  facts: Record<string, Record<string, unknown>>;
  expect: 'pass' | 'fail' | 'not-applicable';
}

export interface Check {
  id: string;
  name: string;
  description: string;
  level: string;
  category: string;
  solution: string;
  owner?: string;
  enforcement: { mode: 'blocking' | 'warn' | 'report'; enableOn?: string };
  type?: string;
  factIds: string[];
  filter?: Filter;
  links?: { title: string; url: string }[];
  rule: { conditions: Condition; priority?: number };
  metadata?: Record<string, unknown>;
  tests: CheckTest[];
}

export interface Scorecard {
  id: string;
  title: string;
  description?: string;
  filter?: Filter;
  checks: string[];
}

export interface Exemption {
  id: string;
  entityRef: string;
  checks: string[];
  reason: string;
  approvedBy: string;
  created: string;
  expires: string;
}

export interface Initiative {
  id: string;
  title: string;
  scorecard?: string;
  checks: string[];
  startDate?: string;
  dueDate: string;
  owner: string;
}

/** Where a scorecard document came from, so findings about it point at its file and line. */
export interface Located<T> {
  value: T;
  source: SourceFile;
  document: number;
}

export interface ScorecardData {
  config?: Located<ScorecardConfig>;
  retrievers: Located<FactRetriever>[];
  checks: Located<Check>[];
  scorecards: Located<Scorecard>[];
  exemptions: Located<Exemption>[];
  initiatives: Located<Initiative>[];
}
