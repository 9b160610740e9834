/**
 * Moving around a notebook from the panel: select a step's cells, go to a problem's cell.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { NotebookPanel } from '@jupyterlab/notebook';

function indexOfCell(panel: NotebookPanel, cellId: string): number {
  const cells = panel.content.model?.cells;
  if (!cells) {
    return -1;
  }
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).id === cellId) {
      return i;
    }
  }
  return -1;
}

/** The 1-based position of a cell in the notebook ("cell 7"), or null when it is gone. */
export function cellNumberIn(panel: NotebookPanel, cellId: string): number | null {
  const index = indexOfCell(panel, cellId);
  return index >= 0 ? index + 1 : null;
}

/**
 * Select the cells of a step: the first becomes active, the selection extends to the last.
 *
 * Returns false when none of the cells is in the notebook any more (the pipeline is older
 * than the model).
 */
export function selectCells(
  app: JupyterFrontEnd,
  panel: NotebookPanel,
  cellIds: readonly string[]
): boolean {
  const indices = cellIds.map(id => indexOfCell(panel, id)).filter(i => i >= 0);
  if (indices.length === 0) {
    return false;
  }
  const first = Math.min(...indices);
  const last = Math.max(...indices);
  app.shell.activateById(panel.id);
  const notebook = panel.content;
  notebook.mode = 'command';
  // Extending a selection moves the active cell to its far end: anchor at the last cell and
  // extend up, so the step's first cell ends up active and the whole range selected.
  notebook.activeCellIndex = last;
  notebook.deselectAll();
  notebook.extendContiguousSelectionTo(first);
  void notebook.scrollToItem(first, 'start');
  return true;
}

/**
 * Activate the cell with this id, scroll it into view and put the cursor on `line` (1-based).
 */
export function goToCell(
  app: JupyterFrontEnd,
  panel: NotebookPanel,
  cellId: string,
  line: number | null = null
): boolean {
  const index = indexOfCell(panel, cellId);
  if (index < 0) {
    return false;
  }
  app.shell.activateById(panel.id);
  const notebook = panel.content;
  notebook.mode = 'command';
  notebook.activeCellIndex = index;
  notebook.deselectAll();
  void notebook.scrollToItem(index, 'center');
  const editor = notebook.activeCell?.editor;
  if (editor && line !== null && line >= 1 && line <= editor.lineCount) {
    editor.setCursorPosition({ line: line - 1, column: 0 });
  }
  // Keep keyboard focus on the notebook so Enter edits the cell just reached.
  notebook.node.focus();
  return true;
}
