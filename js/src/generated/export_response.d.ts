/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * The output folder (relative to the root over REST)
 */
export type Directory = string;
/**
 * Files written, relative to the output folder
 */
export type Files = string[];
/**
 * Golden tests were recorded by running the notebook
 */
export type Golden = boolean;
export type Package = string;
export type Target = string;
export type Errors = number;
export type Failed = number;
export type Ok = boolean;
/**
 * The last lines of pytest's report
 */
export type Output = string;
export type Passed = number;
export type Skipped = number;
/**
 * Imports no installed distribution gives
 */
export type UnresolvedImports = string[];
export type CellId = string | null;
/**
 * Stable machine-readable code, e.g. undefined-name, cycle
 */
export type Code = string;
export type Line = number | null;
export type Message = string;
export type Severity = "error" | "warning";
export type Warnings = Problem[];

/**
 * What an export wrote (the CLI's ``export --json`` prints the same shape).
 */
export interface ExportResponse {
  directory: Directory;
  files: Files;
  golden: Golden;
  package: Package;
  target: Target;
  tests?: TestSummary | null;
  unresolved_imports: UnresolvedImports;
  verbatim_rule_breaks: VerbatimRuleBreaks;
  warnings: Warnings;
}
/**
 * The result of running the exported package's own tests.
 */
export interface TestSummary {
  errors: Errors;
  failed: Failed;
  ok: Ok;
  output: Output;
  passed: Passed;
  skipped: Skipped;
}
/**
 * Ruff rules the notebook's own code breaks, by file (kept as written)
 */
export interface VerbatimRuleBreaks {
  [k: string]: string[];
}
/**
 * Something the analysis found wrong or doubtful, located at a cell (and line, 1-based).
 */
export interface Problem {
  cell_id?: CellId;
  code: Code;
  line?: Line;
  message: Message;
  severity: Severity;
}
