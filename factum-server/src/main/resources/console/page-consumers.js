// Consumers: the consumer groups this key may use (GET /groups leaves out the others), each with
// checkpoint, lag, consumers and parked events with their reasons; replay and skip of a parked
// event for admin keys (the server refuses them to other keys anyway).

import { api, seg } from '/console/api.js';
import { el, fill, table, text, problemBox } from '/console/dom.js';

export async function render(main, context) {
  const list = el('div', { id: 'groups' });
  const parked = el('div', { id: 'parked' });
  fill(main, el('h1', { text: 'Consumer groups' }), list, parked);

  async function refresh() {
    const { groups } = await api('/groups', { signal: context.signal });
    fill(list, table(groups, [
      ['group', g => g.name], ['source', g => text(g.source)], ['checkpoint', g => g.checkpoint],
      ['lag (events)', g => g.lag], ['lag (s)', g => g.lagSeconds], ['in flight', g => g.inFlight],
      ['consumers', g => g.consumers], ['parked', g => g.parked],
      ['', g => el('button', { 'data-group': g.name, on: { click: () => showParked(g.name) } }, 'Parked events')],
    ], 'No consumer groups yet (create one with factum groups create or POST /groups).'));
  }

  async function showParked(group) {
    fill(parked, el('p', { class: 'empty', text: 'Loading…' }));
    try {
      const answer = await api('/groups/' + seg(group) + '/parked', { signal: context.signal });
      fill(parked, el('h2', {}, 'Parked in ', el('code', { text: group })), table(answer.parked, [
        ['position', p => p.position], ['stream', p => p.stream], ['reason', p => p.reason], ['attempts', p => p.attempts],
        ['', p => context.admin ? [
          el('button', { on: { click: () => act(group, 'replay', p.position) } }, 'Replay'), ' ',
          el('button', { class: 'danger', on: { click: () => act(group, 'skip', p.position) } }, 'Skip')] : ''],
      ], 'No parked events.'));
    } catch (e) {
      if (e.name !== 'AbortError') fill(parked, problemBox(e));
    }
  }

  async function act(group, action, position) {
    try {
      await api('/groups/' + seg(group) + '/' + action, { method: 'POST', body: { positions: [position] }, signal: context.signal });
      await refresh();
      await showParked(group);
    } catch (e) {
      if (e.name !== 'AbortError') parked.prepend(problemBox(e));
    }
  }

  await refresh();
}
