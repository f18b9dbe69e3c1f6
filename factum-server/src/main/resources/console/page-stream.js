// One stream: its state, its events paged newest or oldest first, and soft delete / tombstone
// after a confirmation. Design note: every field of an event (data and metadata included) is
// rendered as text (dom.js); the delete sends the revision the page last read as the expected
// revision, so deleting a stream someone appended to meanwhile is refused (409) and shown. The
// time a page of events took to build is measured with the Performance API and kept in
// data-render-ms (the measurement in docs/CONSOLE.md reads it).

import { api, seg } from '/console/api.js';
import { el, fill, pretty, table, text, problemBox, confirmDialog, link } from '/console/dom.js';

export async function render(main, context) {
  const stream = context.params[0];
  const stateBox = el('div', { id: 'stream-state' });
  const events = el('div', { id: 'stream-events' });
  const notice = el('div', { id: 'stream-notice' });
  const order = el('select', { id: 'stream-order', 'aria-label': 'Order', on: { change: () => load(firstPath()) } },
    el('option', { value: 'backward' }, 'Newest first'), el('option', { value: 'forward' }, 'Oldest first'));
  const limit = el('select', { id: 'stream-limit', 'aria-label': 'Events per page', on: { change: () => load(firstPath()) } },
    ['20', '100', '1000'].map(n => el('option', { value: n, selected: n === '100' }, n + ' per page')));
  const more = el('button', { id: 'stream-more', hidden: true, on: { click: () => load(next, true) } }, 'Next page');
  let next = null;
  let state = null;
  fill(main,
    el('h1', {}, 'Stream ', el('code', { id: 'stream-name', text: stream })),
    stateBox, notice,
    el('div', { class: 'row' }, order, limit, link('Append to this stream', 'append', stream),
      el('button', { id: 'soft-delete', class: 'danger', on: { click: () => remove(false) } }, 'Soft delete'),
      el('button', { id: 'tombstone', class: 'danger', on: { click: () => remove(true) } }, 'Tombstone')),
    events, more);

  function firstPath() {
    return '/streams/' + seg(stream) + '?direction=' + order.value + '&limit=' + limit.value + (order.value === 'backward' ? '&from=end' : '&from=0');
  }

  async function refreshState() {
    state = await api('/streams/' + seg(stream) + '/state', { signal: context.signal });
    fill(stateBox, table([state], [['status', s => s.status], ['last revision', s => text(s.lastRevision)],
      ['first visible revision', s => text(s.firstVisibleRevision)], ['last position', s => text(s.lastPosition)]]));
  }

  async function load(path, append = false) {
    if (!append) fill(events, el('p', { class: 'empty', text: 'Loading…' }));
    let page;
    try {
      page = await api(path, { signal: context.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      fill(events, problemBox(e));
      more.hidden = true;
      return;
    }
    performance.mark('stream-render-start');
    const rows = table(page.events, [
      ['revision', e => e.revision],
      ['position', e => e.position],
      ['type', e => e.type],
      ['id', e => el('code', { text: e.id })],
      ['time', e => e.timestamp],
      ['tags', e => (e.tags || []).join(', ')],
      ['metadata', e => (e.metadata === undefined ? '' : pretty(e.metadata))],
      ['data', e => pretty(e.data)],
    ], 'This stream has no events.');
    if (append) events.append(rows);
    else fill(events, rows);
    await new Promise(requestAnimationFrame);
    performance.mark('stream-render-end');
    const measure = performance.measure('stream-render', 'stream-render-start', 'stream-render-end');
    main.dataset.renderMs = measure.duration.toFixed(1);
    main.dataset.rows = String(events.querySelectorAll('tbody tr').length);
    next = page.next;
    more.hidden = !next;
  }

  async function remove(tombstone) {
    const what = tombstone ? 'Tombstone ' + stream + ' for good? It can never be read or written again.' : 'Soft delete ' + stream + '? Its events stay in the global log.';
    if (!(await confirmDialog(what, tombstone ? 'Tombstone' : 'Soft delete'))) return;
    const expected = state && state.lastRevision !== null && state.lastRevision !== undefined ? state.lastRevision : 'any';
    try {
      await api('/streams/' + seg(stream) + '?expectedRevision=' + encodeURIComponent(expected) + (tombstone ? '&tombstone=true' : ''), { method: 'DELETE', signal: context.signal });
      fill(notice, el('div', { class: 'success', role: 'status', text: tombstone ? 'Tombstoned.' : 'Soft deleted.' }));
    } catch (e) {
      if (e.name !== 'AbortError') fill(notice, problemBox(e));
    }
    await refreshState().catch(e => fill(stateBox, problemBox(e)));
    await load(firstPath());
  }

  try {
    await refreshState();
  } catch (e) {
    fill(stateBox, problemBox(e));
  }
  await load(firstPath());
}
