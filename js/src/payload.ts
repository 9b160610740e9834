/**
 * The unsaved notebook content sent for analysis.
 *
 * It is the model's own nbformat JSON minus what the analysis never reads: outputs and
 * attachments, which can weigh megabytes (plots) and would travel on every keystroke.
 */
import { PartialJSONObject } from '@lumino/coreutils';
import { INotebookModel } from '@jupyterlab/notebook';

/** The notebook as nbformat 4 JSON without outputs or attachments. */
export function analysisPayload(model: INotebookModel): PartialJSONObject {
  const cells: PartialJSONObject[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    const shared = model.cells.get(i).sharedModel;
    const cell: PartialJSONObject = {
      id: shared.getId(),
      cell_type: shared.cell_type,
      metadata: shared.getMetadata() as PartialJSONObject,
      source: shared.getSource()
    };
    if (shared.cell_type === 'code') {
      cell.outputs = [];
      cell.execution_count = null;
    }
    cells.push(cell);
  }
  return {
    nbformat: model.nbformat,
    nbformat_minor: Math.max(model.nbformatMinor, 5),
    metadata: model.sharedModel.getMetadata() as PartialJSONObject,
    cells
  };
}
