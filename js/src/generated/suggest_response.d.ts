/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * The heading level split at (null: no split)
 */
export type Level = number | null;
export type Names = string[];
export type Source = string;
export type Target = string;
export type Edges = Edge[];
export type CellId = string;
export type Names1 = string[];
export type Library = LibraryItem[];
export type Notebook = string;
/**
 * Step names in topological order, ties broken by notebook order
 */
export type Order = string[];
export type CellId1 = string;
export type Name = string;
/**
 * Python type name inferred from the literal: int, float, str, ...
 */
export type Type = string;
export type Parameters = Parameter[];
export type CellId2 = string | null;
/**
 * Stable machine-readable code, e.g. undefined-name, cycle
 */
export type Code = string;
export type Line = number | null;
export type Message = string;
export type Severity = "error" | "warning";
export type Problems = Problem[];
/**
 * Explicit ordering edges from after: tags or %%step --after
 */
export type After = string[];
export type CellIds = string[];
/**
 * Data files the step reads (paths as written; parameters at their default)
 */
export type Data = string[];
/**
 * Names read from outside the step: upstream outputs, parameters
 */
export type Inputs = string[];
export type Name1 = string;
/**
 * Names this step defines that a later step reads
 */
export type Outputs = string[];
export type Steps = Step[];
/**
 * Merges and why, then the proposal's problems
 */
export type Problems1 = Problem[];
export type CellIds1 = string[];
/**
 * The heading it is named from; null if kept
 */
export type Heading = string | null;
export type Inputs1 = string[];
export type Name2 = string;
/**
 * Apply writes its step: tag (false: the notebook has it)
 */
export type New = boolean;
export type Outputs1 = string[];
export type Steps1 = SuggestedStepBody[];
export type CellId3 = string;
export type Tag = string;
/**
 * What Apply writes, in notebook order
 */
export type Tags = SuggestedTag[];

/**
 * A proposal of steps (the CLI's ``suggest --json`` prints the same shape).
 */
export interface SuggestResponse {
  level: Level;
  pipeline: Pipeline;
  problems: Problems1;
  steps: Steps1;
  tags: Tags;
}
/**
 * The analysis of the notebook tagged as proposed
 */
export interface Pipeline {
  edges: Edges;
  library: Library;
  notebook: Notebook;
  order: Order;
  parameters: Parameters;
  problems: Problems;
  steps: Steps;
}
/**
 * A dependency between two steps; ``names`` is empty for an after:-only edge.
 */
export interface Edge {
  names: Names;
  source: Source;
  target: Target;
}
/**
 * Library code (``export`` cells, setup definitions): names it defines, by cell.
 */
export interface LibraryItem {
  cell_id: CellId;
  names: Names1;
}
/**
 * A literal assignment of the ``parameters`` cell: a typed pipeline parameter.
 */
export interface Parameter {
  cell_id: CellId1;
  default: Default;
  name: Name;
  type: Type;
}
/**
 * The literal value, as JSON
 */
export interface Default {
  [k: string]: unknown;
}
/**
 * Something the analysis found wrong or doubtful, located at a cell (and line, 1-based).
 */
export interface Problem {
  cell_id?: CellId2;
  code: Code;
  line?: Line;
  message: Message;
  severity: Severity;
}
/**
 * A pipeline step: a ``step:NAME`` cell and the untagged cells that continue it.
 */
export interface Step {
  after: After;
  cell_ids: CellIds;
  data?: Data;
  inputs: Inputs;
  name: Name1;
  outputs: Outputs;
}
/**
 * A step of a proposal, as the analysis of the notebook tagged that way sees it.
 */
export interface SuggestedStepBody {
  cell_ids: CellIds1;
  heading: Heading;
  inputs: Inputs1;
  name: Name2;
  new: New;
  outputs: Outputs1;
}
/**
 * One tag Apply adds: ``step:NAME`` on the cell that starts a step, or ``export`` on
 * definitions kept library code.
 */
export interface SuggestedTag {
  cell_id: CellId3;
  tag: Tag;
}
