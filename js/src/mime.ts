/**
 * The inline renderer of `application/vnd.nbbridge.pipeline+json` (what `%nbbridge dag`
 * displays): the same DAG as the Pipeline panel, drawn in the output area.
 */
import * as React from 'react';

import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ReactWidget } from '@jupyterlab/ui-components';

import type { Pipeline } from './api';
import { DagView } from './dagView';

export const PIPELINE_MIME_TYPE = 'application/vnd.nbbridge.pipeline+json';

/** Whether a value has the shape of a Pipeline (enough of it to draw). */
function isPipeline(value: unknown): value is Pipeline {
  if (!value || typeof value !== 'object') {
    return false;
  }
  const v = value as Record<string, unknown>;
  return ['steps', 'edges', 'order', 'problems', 'parameters'].every(key =>
    Array.isArray(v[key])
  );
}

function summary(pipeline: Pipeline): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [count(pipeline.steps.length, 'step'), count(pipeline.parameters.length, 'parameter')];
  const errors = pipeline.problems.filter(p => p.severity === 'error').length;
  if (errors) {
    parts.push(count(errors, 'error'));
  }
  const warnings = pipeline.problems.length - errors;
  if (warnings) {
    parts.push(count(warnings, 'warning'));
  }
  return parts.join(' · ');
}

function PipelineOutput(props: { pipeline: Pipeline }): JSX.Element {
  const { pipeline } = props;
  return React.createElement(
    'div',
    { className: 'nbbridge-Output' },
    React.createElement(
      'div',
      { className: 'nbbridge-Output-header' },
      React.createElement(
        'span',
        { className: 'nbbridge-Output-title', title: pipeline.notebook },
        // The kernel knows the absolute path; the file name is what the user recognises.
        pipeline.notebook.split(/[\\/]/).pop() || 'Pipeline'
      ),
      React.createElement('span', { className: 'nbbridge-Output-summary' }, summary(pipeline))
    ),
    React.createElement(DagView, { pipeline })
  );
}

/** Renders one pipeline output. */
export class PipelineRenderer extends ReactWidget implements IRenderMime.IRenderer {
  constructor(private readonly _mimeType: string) {
    super();
    this.addClass('nbbridge-PipelineOutput');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this._mimeType];
    this._pipeline = isPipeline(data) ? data : null;
    this.update();
    await this.renderPromise;
  }

  protected render(): JSX.Element {
    if (this._pipeline === null) {
      return React.createElement(
        'div',
        { className: 'nbbridge-Output nbbridge-mod-invalid' },
        'nbbridge: this output is not a pipeline (expected steps, edges, order, parameters, problems).'
      );
    }
    return React.createElement(PipelineOutput, { pipeline: this._pipeline });
  }

  private _pipeline: Pipeline | null = null;
}

export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PIPELINE_MIME_TYPE],
  defaultRank: 50,
  createRenderer: options => new PipelineRenderer(options.mimeType)
};

const extension: IRenderMime.IExtension = {
  id: 'nbbridge:pipeline-renderer',
  description: 'Draws a pipeline DAG inline (the output of %nbbridge dag).',
  rendererFactory,
  rank: 50,
  dataType: 'json'
};

export default extension;
