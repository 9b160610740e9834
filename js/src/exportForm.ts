/**
 * The Export dialog's form as data: defaults from the notebook's path, live validation, and the
 * request the form stands for. No DOM here, so the rules read in one place.
 */
import type { ExportRequest } from './api';
import { LOWER_IDENTIFIER, PYTHON_KEYWORDS } from './pythonNames';

/** Where the package goes beside itself: the package alone, or with a DVC pipeline. */
export type ExportTarget = 'package' | 'dvc';

/** What the user fills in. */
export interface IExportForm {
  packageName: string;
  outputDir: string;
  /** False until the user types a folder: then the folder stops following the package name. */
  outputDirEdited: boolean;
  execute: boolean;
  runTests: boolean;
  force: boolean;
  target: ExportTarget;
}

/** A field's error, or null when the value is fine. */
export interface IFormErrors {
  packageName: string | null;
  outputDir: string | null;
}

// Names that shadow the standard library are refused by the server, which knows its Python's
// module list; that message lands on the field.

function basename(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1];
}

function dirname(path: string): string {
  const index = path.lastIndexOf('/');
  return index < 0 ? '' : path.slice(0, index);
}

/** `Iris Pipeline (v2).ipynb` → `iris_pipeline_v2`, as the server derives it. */
export function defaultPackageName(notebookPath: string): string {
  const stem = basename(notebookPath).replace(/\.ipynb$/i, '');
  let name =
    stem
      .toLowerCase()
      .replace(/[^0-9a-z]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'pipeline';
  if (/^[0-9]/.test(name) || PYTHON_KEYWORDS.has(name)) {
    name = `nb_${name}`;
  }
  return name;
}

/** `<notebook folder>/<package>`, relative to the server root. */
export function defaultOutputDir(notebookPath: string, packageName: string): string {
  const folder = dirname(notebookPath);
  const name = packageName.trim() || defaultPackageName(notebookPath);
  return folder ? `${folder}/${name}` : name;
}

/** Why `name` cannot be the package's import name, or null. */
export function packageNameError(name: string): string | null {
  const value = name.trim();
  if (!value) {
    return 'Give the package a name.';
  }
  if (!LOWER_IDENTIFIER.test(value)) {
    return 'Use a lowercase Python identifier: letters, digits and _, not starting with a digit.';
  }
  if (PYTHON_KEYWORDS.has(value)) {
    return `"${value}" is a Python keyword.`;
  }
  return null;
}

/** Why `folder` cannot be the output folder, or null. The server checks it again, and more. */
export function outputDirError(folder: string): string | null {
  const value = folder.trim();
  if (!value) {
    return 'Give a folder, relative to the Jupyter root.';
  }
  if (value.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(value)) {
    return 'Give the folder relative to the Jupyter root, not as an absolute path.';
  }
  if (value.split(/[\\/]/).includes('..')) {
    return 'The folder must stay inside the Jupyter root (no "..").';
  }
  return null;
}

/** The form's errors, field by field. */
export function formErrors(form: IExportForm): IFormErrors {
  return {
    packageName: packageNameError(form.packageName),
    outputDir: outputDirError(form.outputDir)
  };
}

export function hasErrors(errors: IFormErrors): boolean {
  return errors.packageName !== null || errors.outputDir !== null;
}

/** A fresh form for a notebook: its default name and folder, tests on, nothing forced. */
export function initialForm(notebookPath: string): IExportForm {
  const packageName = defaultPackageName(notebookPath);
  return {
    packageName,
    outputDir: defaultOutputDir(notebookPath, packageName),
    outputDirEdited: false,
    execute: false,
    runTests: true,
    force: false,
    target: 'package'
  };
}

/** The form after the user typed a package name: the folder follows unless edited by hand. */
export function withPackageName(
  form: IExportForm,
  notebookPath: string,
  packageName: string
): IExportForm {
  const outputDir = form.outputDirEdited
    ? form.outputDir
    : defaultOutputDir(notebookPath, packageName);
  return { ...form, packageName, outputDir };
}

/**
 * The REST request for this form (call only when `formErrors` finds nothing). `timeout` (the
 * `executeTimeout` setting, seconds) bounds each run of the notebook and the test run; null
 * leaves it to the server's default.
 */
export function exportRequest(
  form: IExportForm,
  notebookPath: string,
  timeout: number | null = null
): ExportRequest {
  const request: ExportRequest = {
    path: notebookPath,
    output_dir: form.outputDir.trim().replace(/\/+$/, ''),
    package: form.packageName.trim(),
    execute: form.execute,
    run_tests: form.runTests,
    force: form.force,
    target: form.target
  };
  return timeout !== null && timeout > 0 ? { ...request, timeout } : request;
}
