// Streams: find streams by name prefix and by category, from the server's stream listing
// (GET /streams), which reads the stream heads, not the log: every stream that exists or existed
// is found however old it is, with its status and event count. Design note: a page holds PAGE
// streams in name order; "More" asks for the next page with the listing's own cursor (`after`) and
// appends its rows, so nothing is listed twice or skipped while the store keeps growing. A scoped
// key gets only the streams in its scopes (the server narrows the listing). Names are rendered as
// text, and links to a stream are built by the console from the encoded name.

import { api, seg } from '/console/api.js';
import { el, fill, link, table, problemBox } from '/console/dom.js';

const PAGE = 100;

export async function render(main, context) {
  const prefix = el('input', { id: 'stream-prefix', name: 'prefix', placeholder: 'order-', 'aria-label': 'Stream name prefix' });
  const category = el('input', { id: 'stream-category', name: 'category', placeholder: 'order', 'aria-label': 'Category' });
  const exact = el('input', { id: 'stream-name', placeholder: 'order-123', 'aria-label': 'Stream name' });
  const results = el('div', { id: 'stream-results' });
  fill(main,
    el('h1', { text: 'Streams' }),
    el('form', { id: 'stream-open', on: { submit: e => { e.preventDefault(); if (exact.value) location.hash = '#/stream/' + encodeURIComponent(exact.value); } } },
      el('label', {}, el('span', { text: 'Open a stream' }), exact, ' ', el('button', { type: 'submit' }, 'Open'))),
    el('form', { id: 'stream-find', on: { submit: e => { e.preventDefault(); find(); } } },
      el('label', {}, el('span', { text: 'Name starts with' }), prefix),
      el('label', {}, el('span', { text: 'Category' }), category),
      el('button', { type: 'submit' }, 'Find')),
    results);

  async function find() {
    const query = { prefix: prefix.value, category: category.value.trim() };
    const rows = [];
    fill(results, el('p', { class: 'empty', text: 'Listing streams…' }));
    await more(query, rows, null);
  }

  async function more(query, rows, after) {
    try {
      const page = await api(path(query, after), { signal: context.signal });
      rows.push(...page.streams);
      show(query, rows, page.after);
    } catch (e) {
      if (e.name !== 'AbortError') fill(results, problemBox(e));
    }
  }

  function show(query, rows, after) {
    const what = [query.prefix ? 'starting with ' + query.prefix : null,
      query.category ? 'in category ' + query.category : null].filter(Boolean).join(', ');
    const moreButton = after === null ? null
      : el('button', { id: 'stream-more', type: 'button', on: { click: e => { e.target.disabled = true; more(query, rows, after); } } }, 'More');
    fill(results,
      el('p', { id: 'stream-summary', class: 'muted', text: rows.length + ' stream' + (rows.length === 1 ? '' : 's') + (after === null ? '' : ' so far') + (what ? ' ' + what : '') + '.' }),
      table(rows, [
        ['stream', r => r.status === 'active' ? link(r.stream, 'stream', r.stream) : r.stream],
        ['status', r => r.status],
        ['events', r => r.eventCount],
        ['last revision', r => r.lastRevision ?? '—'],
        ['last position', r => r.lastPosition ?? '—'],
      ], what ? 'No stream ' + what + '.' : 'No streams yet: append an event to create one.'),
      moreButton);
  }
  await find();
}

function path(query, after) {
  let p = '/streams?limit=' + PAGE;
  if (query.prefix) p += '&prefix=' + seg(query.prefix);
  if (query.category) p += '&category=' + seg(query.category);
  if (after !== null) p += '&after=' + seg(after);
  return p;
}
