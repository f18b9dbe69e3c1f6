// Append: one event to a stream with an expected revision. Design note: data and metadata are
// parsed in the browser only to catch a typo before sending; what is sent is the text typed
// (the server stores data byte for byte). A wrong expected revision is shown with the stream's
// actual revision, so the user sees why and what to send instead.

import { api, seg, ApiError } from '/console/api.js';
import { el, fill, problemBox, link } from '/console/dom.js';

export async function render(main, context) {
  const stream = el('input', { id: 'append-stream', required: true, value: context.params[0] || '', 'aria-label': 'Stream' });
  const expected = el('select', { id: 'append-expected', 'aria-label': 'Expected revision' },
    ['any', 'no_stream', 'exists', 'revision'].map(v => el('option', { value: v }, v === 'revision' ? 'revision…' : v)));
  const revision = el('input', { id: 'append-revision', type: 'number', min: 0, 'aria-label': 'Expected revision number' });
  const type = el('input', { id: 'append-type', required: true, placeholder: 'OrderPlaced', 'aria-label': 'Event type' });
  const data = el('textarea', { id: 'append-data', 'aria-label': 'Data (JSON)', value: '{}' });
  const metadata = el('textarea', { id: 'append-metadata', 'aria-label': 'Metadata (JSON object, optional)' });
  const tags = el('input', { id: 'append-tags', placeholder: 'eu, vip', 'aria-label': 'Tags' });
  const result = el('div', { id: 'append-result' });
  fill(main, el('h1', { text: 'Append' }),
    el('form', { id: 'append-form', on: { submit: e => { e.preventDefault(); send(); } } },
      el('label', {}, el('span', { text: 'Stream' }), stream),
      el('label', {}, el('span', { text: 'Expected revision' }), expected, ' ', revision),
      el('label', {}, el('span', { text: 'Type' }), type),
      el('label', {}, el('span', { text: 'Data (JSON)' }), data),
      el('label', {}, el('span', { text: 'Metadata (JSON)' }), metadata),
      el('label', {}, el('span', { text: 'Tags' }), tags),
      el('button', { id: 'append-submit', type: 'submit' }, 'Append')),
    result);

  async function send() {
    let event;
    try {
      event = { type: type.value, data: JSON.parse(data.value) };
      if (metadata.value.trim()) event.metadata = JSON.parse(metadata.value);
    } catch (e) {
      fill(result, problemBox({ title: 'Not valid JSON', detail: e.message }));
      return;
    }
    const tagList = tags.value.split(',').map(t => t.trim()).filter(Boolean);
    if (tagList.length) event.tags = tagList;
    const expectedRevision = expected.value === 'revision' ? Number(revision.value) : expected.value;
    try {
      const answer = await api('/streams/' + seg(stream.value), { method: 'POST', body: { expectedRevision, events: [event] }, signal: context.signal });
      fill(result, el('div', { class: 'success', role: 'status', id: 'append-success', 'data-revision': answer.nextExpectedRevision, 'data-position': answer.position },
        'Appended at revision ', el('strong', { text: answer.nextExpectedRevision }), ', position ', el('strong', { text: answer.position }), '. ',
        link('Open the stream', 'stream', stream.value)));
      expected.value = 'revision';
      revision.value = answer.nextExpectedRevision;
    } catch (e) {
      if (e.name === 'AbortError') return;
      const conflict = e instanceof ApiError && e.code === 'wrong-expected-revision'
        ? el('p', { id: 'append-conflict', 'data-actual': e.problem.actualRevision ?? '' },
          'Conflict: you expected revision ', el('strong', { text: String(e.problem.expectedRevision) }),
          ' but the stream is at ', el('strong', { text: e.problem.actualRevision === null ? 'no stream' : String(e.problem.actualRevision) }),
          '. Nothing was written.')
        : null;
      fill(result, problemBox(e), conflict);
    }
  }
}
