/**
 * The typed client of `/nbbridge/runs` (a notebook's runs in its project's tracking store).
 *
 * Request and answer types are generated from the server's pydantic models (`jlpm gen:types`).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { ApiError, ErrorBody } from '../api';
import { CompareRequest } from '../generated/compare_request';
import { CompareResponse } from '../generated/compare_response';
import { HistoryRequest } from '../generated/history_request';
import { MetricHistory } from '../generated/metric_history';
import { RunDetail } from '../generated/run_detail';
import { RunPage, RunSummary } from '../generated/run_page';
import { RunRequest } from '../generated/run_request';
import { RunsRequest } from '../generated/runs_request';

export type { CompareResponse, MetricHistory, RunDetail, RunPage, RunSummary, RunsRequest };

async function post<T>(
  endpoint: string,
  body: unknown,
  settings: ServerConnection.ISettings,
  signal?: AbortSignal
): Promise<T> {
  const parts = endpoint ? ['nbbridge', 'runs', endpoint] : ['nbbridge', 'runs'];
  const url = URLExt.join(settings.baseUrl, ...parts);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(
      url,
      { method: 'POST', body: JSON.stringify(body), signal },
      settings
    );
  } catch (reason) {
    throw new ApiError(`cannot reach the server (${String(reason)})`, 0);
  }
  if (!response.ok) {
    let error: ErrorBody | null = null;
    try {
      error = (await response.json()) as ErrorBody;
    } catch {
      // not JSON: the status line says enough
    }
    const message = error?.message ?? `${response.status} ${response.statusText}`.trim();
    throw new ApiError(message, response.status, error);
  }
  return (await response.json()) as T;
}

/** One per application; every call names the notebook (its path relative to the root). */
export class RunsClient {
  constructor(readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()) {}

  list(request: RunsRequest, signal?: AbortSignal): Promise<RunPage> {
    return post<RunPage>('', request, this.settings, signal);
  }

  get(request: RunRequest): Promise<RunDetail> {
    return post<RunDetail>('get', request, this.settings);
  }

  /** Two to twenty runs side by side; the first is the base of the code diffs. */
  compare(path: string, runIds: string[]): Promise<CompareResponse> {
    // The schema's bounded list is a tuple type in TypeScript; the server checks the bounds.
    const request = { path, run_ids: runIds } as unknown as CompareRequest;
    return post<CompareResponse>('compare', request, this.settings);
  }

  history(path: string, runIds: string[], key: string): Promise<MetricHistory> {
    const request = { path, run_ids: runIds, key } as unknown as HistoryRequest;
    return post<MetricHistory>('history', request, this.settings);
  }
}
