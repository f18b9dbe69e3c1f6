// The console's only way to the server: the public v1 API, /metrics and Server-Sent Events.
// Design note: with auth on, the key lives in sessionStorage (this tab only, gone when it
// closes) and goes in the Authorization header of every request, SSE included: the feed is read
// with fetch() and a stream reader, because EventSource cannot send headers, and a key in a URL
// would end up in logs. Failures are thrown as ApiError carrying the problem's code and title.

const KEY = 'factum.key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  setKey: key => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.title || 'HTTP ' + status);
    this.status = status;
    this.code = problem.code;
    this.title = problem.title || 'HTTP ' + status;
    this.detail = problem.detail;
    this.problem = problem;
  }
}

function headers(extra = {}) {
  const all = { ...extra };
  const key = session.key();
  if (key) all.Authorization = 'Bearer ' + key;
  return all;
}

async function failure(response) {
  let problem = {};
  try { problem = await response.json(); } catch { problem = {}; }
  return new ApiError(response.status, problem);
}

/** A JSON request; resolves to the parsed body (null for 204), rejects with ApiError. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }), signal };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'The server cannot be reached', detail: String(e.message || e) });
  }
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

/** The Prometheus text of /metrics. */
export async function metricsText(signal) {
  const response = await fetch('/metrics', { headers: headers(), signal });
  if (!response.ok) throw await failure(response);
  return response.text();
}

/** A path segment: a stream or group name percent-encoded. */
export const seg = encodeURIComponent;

/**
 * Follows an SSE feed until `signal` aborts: onEvent(parsed event) per data frame, onCaughtUp()
 * once. Rejects with ApiError when the server refuses the feed or sends `event: error`.
 */
export async function follow(path, { signal, onEvent, onCaughtUp = () => {} }) {
  const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = 'message';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      let line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (data.length) dispatch(type, data.join('\n'));
        type = 'message';
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      } else if (line.startsWith('event:')) {
        type = line.slice(6).trim();
      }
    }
  }
  function dispatch(kind, text) {
    if (kind === 'message') onEvent(JSON.parse(text));
    else if (kind === 'caught-up') onCaughtUp();
    else if (kind === 'error') throw new ApiError(0, JSON.parse(text));
  }
}
