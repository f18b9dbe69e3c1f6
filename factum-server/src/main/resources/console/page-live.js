// Live log: the global log (or a category / type / tag filter) over Server-Sent Events, newest
// on top, pausable, resumable from the position after the last event shown (or any position).
// Design note: events arrive faster than a screen can show them, so they are queued and drawn
// once per animation frame; at most ROWS stay on the page, and events that arrive and are pushed
// out before any frame drew them are counted as skipped (never silently: the page shows the
// count). data-received / data-rendered / data-skipped / data-long-frames on the log element are
// what the measurement in docs/CONSOLE.md reads.

import { follow, ApiError } from '/console/api.js';
import { el, fill, problemBox } from '/console/dom.js';

const ROWS = 500;

export async function render(main, context) {
  const kind = el('select', { id: 'live-kind', 'aria-label': 'Filter kind' },
    ['all', 'category', 'type', 'tag'].map(k => el('option', { value: k }, k === 'all' ? 'whole log' : k)));
  const value = el('input', { id: 'live-value', 'aria-label': 'Filter value', placeholder: 'value' });
  const from = el('input', { id: 'live-from', 'aria-label': 'From position', placeholder: 'end', size: 10 });
  const toggle = el('button', { id: 'live-toggle', type: 'submit' }, 'Start');
  const status = el('div', { id: 'live-status', role: 'status' });
  const counts = el('p', { id: 'live-counts', class: 'muted' });
  const body = el('tbody', {});
  const log = el('div', { id: 'live-log', class: 'live-log', 'data-received': 0, 'data-rendered': 0, 'data-skipped': 0, 'data-long-frames': 0 },
    el('table', {}, el('thead', {}, el('tr', {}, ['position', 'stream', 'type', 'revision', 'time', 'data'].map(t => el('th', { scope: 'col', text: t })))), body));
  fill(main, el('h1', { text: 'Live log' }),
    el('form', { id: 'live-form', class: 'row', on: { submit: e => { e.preventDefault(); running ? pause() : start(); } } },
      kind, value, el('label', {}, 'from ', from), toggle),
    status, counts, log);

  let running = null;
  let last = null;
  let queue = [];
  let frame = 0;
  let lastFrameAt = 0;
  const stats = { received: 0, rendered: 0, skipped: 0, longFrames: 0 };

  function path() {
    const start = from.value.trim() || (last === null ? 'end' : String(last + 1));
    let query = 'from=' + encodeURIComponent(start);
    if (kind.value !== 'all' && value.value) query += '&' + kind.value + '=' + encodeURIComponent(value.value);
    return '/all/events?' + query;
  }

  function start() {
    const controller = new AbortController();
    context.signal.addEventListener('abort', () => controller.abort());
    running = controller;
    toggle.textContent = 'Pause';
    const feed = path();
    fill(status, el('span', { class: 'muted', text: 'Following ' + feed }));
    from.value = '';
    follow(feed, {
      signal: controller.signal,
      onEvent: event => {
        stats.received += 1;
        last = event.position;
        queue.push(event);
        if (queue.length > ROWS) {
          stats.skipped += queue.length - ROWS;
          queue = queue.slice(-ROWS);
        }
        if (!frame) frame = requestAnimationFrame(draw);
      },
      onCaughtUp: () => fill(status, el('span', { class: 'muted', text: 'Caught up; live.' })),
    }).catch(e => {
      if (e.name === 'AbortError') return;
      fill(status, problemBox(e instanceof ApiError ? e : { title: 'The feed ended', detail: String(e) }));
      stopped();
    });
  }

  function pause() {
    running.abort();
    stopped();
    fill(status, el('span', { class: 'muted', text: last === null ? 'Paused.' : 'Paused after position ' + last + '; Resume continues from ' + (last + 1) + '.' }));
  }

  function stopped() {
    running = null;
    toggle.textContent = last === null ? 'Start' : 'Resume';
  }

  function draw(at) {
    frame = 0;
    if (lastFrameAt && at - lastFrameAt > 50) stats.longFrames += 1;
    lastFrameAt = at;
    const batch = queue;
    queue = [];
    const rows = document.createDocumentFragment();
    for (let i = batch.length - 1; i >= 0; i--) rows.append(row(batch[i]));
    body.prepend(rows);
    stats.rendered += batch.length;
    while (body.childElementCount > ROWS) body.lastElementChild.remove();
    for (const [key, count] of Object.entries(stats)) log.dataset[key] = String(count);
    counts.textContent = stats.received + ' received, ' + stats.rendered + ' shown, ' + stats.skipped + ' skipped (too fast to show)';
  }

  start();
}

function row(event) {
  const data = JSON.stringify(event.data);
  return el('tr', { 'data-position': event.position },
    el('td', { text: event.position }), el('td', { text: event.stream }), el('td', { text: event.type }),
    el('td', { text: event.revision }), el('td', { text: event.timestamp }),
    el('td', {}, el('code', { text: data && data.length > 200 ? data.slice(0, 200) + '…' : data })));
}
