// Projections: the declarative projections of the store (the Serialized-compatible projections of
// factum-projections, defined under /serialized/projections/definitions), each with its
// definition and how far behind the log it is. Design note: the definitions come from
// GET /serialized/projections/definitions (only those whose feed the key may read), the lag from
// the server's own gauge factum_projection_lag_events in /metrics (an upper bound: positions from
// the projection's checkpoint to the head), re-read every 2 s while the page is open. Every value
// of a definition is rendered as text (its handlers as pretty-printed JSON).

import { api, metricsText } from '/console/api.js';
import { el, fill, table, pretty, problemBox } from '/console/dom.js';
import { parse, byLabel } from '/console/metrics.js';

const REFRESH_MS = 2000;

export async function render(main, context) {
  const list = el('div', { id: 'projections' });
  const detail = el('div', { id: 'projection-detail' });
  fill(main, el('h1', { text: 'Projections' }), list, detail);
  let shown = null;

  async function refresh() {
    const [{ definitions }, lags] = await Promise.all([
      api('/serialized/projections/definitions', { signal: context.signal }),
      metricsText(context.signal).then(text => byLabel(parse(text), 'factum_projection_lag_events', 'projection')),
    ]);
    fill(list, table(definitions, [
      ['projection', d => d.projectionName],
      ['kind', d => d.aggregated ? 'aggregated' : 'single'],
      ['feed', d => d.feedName],
      ['handlers', d => (d.handlers || []).map(h => h.eventType).join(', ')],
      ['status', d => status(lags.get(d.projectionName))],
      ['lag (events)', d => lags.has(d.projectionName) ? lags.get(d.projectionName) : '—'],
      ['', d => el('button', { 'data-projection': d.projectionName, on: { click: () => { shown = d.projectionName; show(definitions); } } }, 'Definition')],
    ], 'No projections yet (define one with POST /serialized/projections/definitions).'));
    list.setAttribute('data-loaded', String(definitions.length));
    show(definitions);
  }

  function show(definitions) {
    const d = definitions.find(x => x.projectionName === shown);
    if (!d) return fill(detail);
    fill(detail, el('h2', {}, 'Definition of ', el('code', { text: d.projectionName })), pretty(d));
  }

  async function loop() {
    while (!context.signal.aborted) {
      try {
        await refresh();
      } catch (e) {
        if (e.name === 'AbortError') return;
        fill(list, problemBox(e));
      }
      await new Promise(resolve => {
        const timer = setTimeout(resolve, REFRESH_MS);
        context.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
  }
  loop();
}

function status(lag) {
  if (lag === undefined) return 'starting';
  return lag === 0 ? 'caught up' : 'catching up';
}
