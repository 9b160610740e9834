/**
 * The typed client of nbbridge's REST API (`/nbbridge/...` on the Jupyter server).
 *
 * The request and response types are generated from the server's pydantic models
 * (`jlpm gen:types`), so a change on one side shows up as a type error on the other.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { ErrorBody } from './generated/error';
import { ExportRequest } from './generated/export_request';
import { ExportResponse } from './generated/export_response';
import { Pipeline } from './generated/pipeline';
import { PipelineRequest } from './generated/pipeline_request';
import { SuggestRequest } from './generated/suggest_request';
import { SuggestResponse } from './generated/suggest_response';

export type {
  ErrorBody,
  ExportRequest,
  ExportResponse,
  Pipeline,
  PipelineRequest,
  SuggestRequest,
  SuggestResponse
};

/** A failed call: the HTTP status (0 for a network failure) and the server's message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: ErrorBody | null = null
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: ErrorBody | null = null;
  try {
    const data: unknown = await response.json();
    if (data && typeof data === 'object' && typeof (data as ErrorBody).message === 'string') {
      body = data as ErrorBody;
    }
  } catch {
    // Not JSON (a proxy's error page, say): fall back to the status line below.
  }
  const message = body?.message ?? `${response.status} ${response.statusText}`.trim();
  return new ApiError(message, response.status, body);
}

/** Call `POST /nbbridge/<endpoint>` with a JSON body and parse the JSON answer. */
async function post<T>(
  endpoint: string,
  body: unknown,
  settings: ServerConnection.ISettings
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'nbbridge', endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(
      url,
      { method: 'POST', body: JSON.stringify(body) },
      settings
    );
  } catch (reason) {
    throw new ApiError(`cannot reach the server (${String(reason)})`, 0);
  }
  if (!response.ok) {
    throw await errorFrom(response);
  }
  return (await response.json()) as T;
}

/** The client the panels use; one per application, sharing the server settings. */
export class NbbridgeClient {
  constructor(readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()) {}

  /** Analyse a saved notebook (`path`) or unsaved notebook JSON (`notebook`). */
  pipeline(request: PipelineRequest): Promise<Pipeline> {
    return post<Pipeline>('pipeline', request, this.settings);
  }

  /** Propose steps for a notebook from its headings (nothing is written). */
  suggest(request: SuggestRequest): Promise<SuggestResponse> {
    return post<SuggestResponse>('suggest', request, this.settings);
  }

  /** Export a saved notebook into a package (and run its tests); refusals are ApiErrors. */
  exportNotebook(request: ExportRequest): Promise<ExportResponse> {
    return post<ExportResponse>('export', request, this.settings);
  }
}
