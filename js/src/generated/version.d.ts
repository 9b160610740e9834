/* Generated from js/schema/api by 'jlpm gen:types'; do not edit. */

export type Version = string;

/**
 * ``GET /nbbridge/version``: the server extension's version, for the front end to compare.
 */
export interface VersionBody {
  version: Version;
}
