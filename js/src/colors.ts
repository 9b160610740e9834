/**
 * A stable colour per step name, taken from JupyterLab's material palette variables.
 *
 * The same name gets the same colour in every notebook, panel and output (a hash, not an
 * order), and the colour is a CSS variable so the theme stays in charge of the actual shade.
 */

// Red and near-reds are left out on purpose: red means "error" everywhere else in JupyterLab. Thirteen colours:
// a prime count spreads the hash well, and neighbours in the list differ in hue.
const PALETTE = [
  '--md-blue-500',
  '--md-teal-500',
  '--md-pink-400',
  '--md-purple-400',
  '--md-green-600',
  '--md-lime-800',
  '--md-amber-700',
  '--md-indigo-400',
  '--md-cyan-600',
  '--md-light-green-700',
  '--md-brown-400',
  '--md-deep-purple-400',
  '--md-orange-600'
];

/** FNV-1a over UTF-16 code units: tiny, fast and well spread for short names. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The CSS colour (a `var(...)` of JupyterLab's palette) of a step. */
export function stepColor(name: string): string {
  return `var(${PALETTE[hash(name) % PALETTE.length]})`;
}

/** Inline style that hands a step's colour to the CSS (`--nbbridge-step-color`). */
export function stepColorStyle(name: string): Record<string, string> {
  return { '--nbbridge-step-color': stepColor(name) };
}
