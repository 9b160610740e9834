/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * The cell at fault (the first one)
 */
export type CellId = string | null;
export type Field = string | null;
/**
 * Files edited by hand since the last export (kept)
 */
export type Files = string[] | null;
export type Message = string;
/**
 * Every problem that refused an export, each with its cell
 */
export type Problems = Problem[] | null;
export type CellId1 = string | null;
/**
 * Stable machine-readable code, e.g. undefined-name, cycle
 */
export type Code = string;
export type Line = number | null;
export type Message1 = string;
export type Severity = "error" | "warning";

/**
 * What every 4xx answer carries: a message naming the field or cell at fault.
 */
export interface ErrorBody {
  cell_id?: CellId;
  field?: Field;
  files?: Files;
  message: Message;
  problems?: Problems;
}
/**
 * Something the analysis found wrong or doubtful, located at a cell (and line, 1-based).
 */
export interface Problem {
  cell_id?: CellId1;
  code: Code;
  line?: Line;
  message: Message1;
  severity: Severity;
}
