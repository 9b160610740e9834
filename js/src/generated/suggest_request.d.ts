/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

/**
 * Unsaved notebook JSON
 */
export type Notebook = {
  [k: string]: unknown;
} | null;
/**
 * Notebook path relative to the server root
 */
export type Path = string | null;

/**
 * ``POST /nbbridge/suggest``: propose steps for a saved notebook or unsaved content.
 */
export interface SuggestRequest {
  notebook?: Notebook;
  path?: Path;
}
