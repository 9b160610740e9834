/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

export type CellId = string | null;
export type Field = string | null;
export type Message = string;

/**
 * What every 4xx answer carries: a message naming the field or cell at fault.
 */
export interface ErrorBody {
  cell_id?: CellId;
  field?: Field;
  message: Message;
}
