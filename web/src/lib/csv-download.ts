// A server CSV export, fetched with the session's cookie and saved as a browser download.
import { ApiError } from './api.ts';
import { downloadName } from './helpdesk.ts';
import { session } from './state/session.svelte.ts';
import { download } from './tickets-api.ts';

/**
 * Fetches `url` as CSV and saves it under the server's file name (else `fallback` and the date).
 * A refusal throws an ApiError with the server's own words, like request() does.
 */
export async function downloadCsv(url: string, fallback: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/csv' } });
  } catch {
    throw new ApiError(0, 'cannot reach the Suitewatch server; check the network');
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText || 'request failed'}`;
    try {
      const data = (await response.json()) as { message?: unknown };
      if (typeof data.message === 'string') message = data.message;
    } catch {
      // Not JSON: the status line says enough.
    }
    if (response.status === 401) void session.refresh();
    throw new ApiError(response.status, message);
  }
  const name = downloadName(response.headers.get('content-disposition'), fallback, new Date());
  download(await response.blob(), name);
}
