/**
 * What makes a name a lowercase Python identifier: step names and package import names both
 * must be one (they become a function and a module name).
 */

/** Python's keywords (the capitalised False, None and True cannot be lowercase names). */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'and as assert async await break class continue def del elif else except finally for ' +
    'from global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' ')
);

/** Soft keywords: valid names, but confusing as a step's function name. */
export const SOFT_KEYWORDS: ReadonlySet<string> = new Set(['match', 'case', 'type']);

/** A lowercase identifier: letters a–z, digits and _, not starting with a digit. */
export const LOWER_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
