// Sinks: the webhooks and Kafka sinks of the root store with their state and lag (admin keys
// only: the routes are /admin/*), pausable and resumable. Fields are shown as the API names them.

import { api, seg } from '/console/api.js';
import { el, fill, table, fieldColumns, problemBox } from '/console/dom.js';

export async function render(main, context) {
  const webhooks = el('div', { id: 'webhooks' });
  const sinks = el('div', { id: 'sinks' });
  fill(main, el('h1', { text: 'Sinks' }), el('h2', { text: 'Webhooks' }), webhooks, el('h2', { text: 'Kafka sinks' }), sinks);

  async function show(kind, box) {
    try {
      const answer = await api('/admin/' + kind, { signal: context.signal });
      const rows = answer[kind];
      fill(box, table(rows, [...fieldColumns(rows), ['', row => [
        el('button', { on: { click: () => act(kind, box, row.name, 'pause') } }, 'Pause'), ' ',
        el('button', { on: { click: () => act(kind, box, row.name, 'resume') } }, 'Resume')]]],
      kind === 'webhooks' ? 'No webhooks (factum webhooks create).' : 'No Kafka sinks (factum sinks create).'));
    } catch (e) {
      if (e.name !== 'AbortError') fill(box, problemBox(e));
    }
  }

  async function act(kind, box, name, action) {
    try {
      await api('/admin/' + kind + '/' + seg(name) + '/' + action, { method: 'POST', signal: context.signal });
    } catch (e) {
      if (e.name !== 'AbortError') box.prepend(problemBox(e));
      return;
    }
    await show(kind, box);
  }

  await Promise.all([show('webhooks', webhooks), show('sinks', sinks)]);
}
