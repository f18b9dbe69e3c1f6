// Streams: find streams by prefix and by category. Design note: the API has no stream listing,
// so this page reads the newest SCAN events of the global log backward (with a category filter
// when one is given, served from the category index) and groups them by stream: a stream's
// event count is its newest revision + 1 (revisions continue across soft deletes). It says so on
// the page; streams with no event among the newest SCAN are not listed (open them by name).

import { api } from '/console/api.js';
import { el, fill, link, table, problemBox } from '/console/dom.js';

const SCAN = 10000;
const PAGE = 1000;

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
    fill(results, el('p', { class: 'empty', text: 'Reading the log…' }));
    try {
      const streams = await scan(category.value.trim(), context.signal);
      const rows = [...streams.values()].filter(s => s.stream.startsWith(prefix.value));
      const categories = new Map();
      for (const s of rows) {
        const c = categories.get(s.category) || { category: s.category, streams: 0, events: 0 };
        c.streams += 1;
        c.events += s.events;
        categories.set(s.category, c);
      }
      fill(results,
        el('p', { class: 'muted', text: 'From the newest ' + SCAN.toLocaleString() + ' events of the log' + (category.value ? ' in category ' + category.value : '') + '.' }),
        el('h2', { text: 'Categories' }),
        table([...categories.values()], [['category', r => r.category], ['streams', r => r.streams], ['events', r => r.events]], 'No categories.'),
        el('h2', { text: 'Streams (' + rows.length + ')' }),
        table(rows, [
          ['stream', r => link(r.stream, 'stream', r.stream)],
          ['events', r => r.events],
          ['last type', r => r.type],
          ['last position', r => r.position],
          ['last written', r => r.timestamp],
        ], 'No stream matches.'));
    } catch (e) {
      if (e.name !== 'AbortError') fill(results, problemBox(e));
    }
  }
  await find();
}

async function scan(category, signal) {
  const streams = new Map();
  let path = '/all?direction=backward&limit=' + PAGE + (category ? '&category=' + encodeURIComponent(category) : '');
  let seen = 0;
  while (path && seen < SCAN) {
    const page = await api(path, { signal });
    for (const event of page.events) {
      if (!streams.has(event.stream)) {
        const dash = event.stream.indexOf('-');
        streams.set(event.stream, {
          stream: event.stream, category: dash < 0 ? event.stream : event.stream.slice(0, dash),
          events: event.revision + 1, type: event.type, position: event.position, timestamp: event.timestamp,
        });
      }
    }
    seen += Math.max(page.events.length, 1);
    path = page.endOfRead ? null : page.next;
  }
  return streams;
}
