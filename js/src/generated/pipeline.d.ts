/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

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
 * A notebook seen as a pipeline.
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
