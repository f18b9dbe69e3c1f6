// Overview: live charts from the server's own /metrics, scraped every second. Design note: rates
// and latency quantiles are computed from the difference between two scrapes (metrics.js); the
// charts keep the last two minutes; uPlot (from its WebJar, served by the server) draws them.

import uPlot from '/console/uPlot.esm.js';
import { metricsText, ApiError } from '/console/api.js';
import { el, fill, table, problemBox } from '/console/dom.js';
import { parse, sum, rate, quantile, byLabel } from '/console/metrics.js';

const POINTS = 120;

const CHARTS = [
  { id: 'throughput', title: 'Appends and events per second', series: ['appends/s', 'events/s'] },
  { id: 'latency', title: 'Append latency (ms)', series: ['p50', 'p99'] },
  { id: 'subscriptions', title: 'Subscriptions', series: ['subscriptions', 'SSE sessions'] },
  { id: 'lag', title: 'Consumer lag (events)', series: ['groups, total', 'slowest subscription'] },
];

export async function render(main, context) {
  const status = el('div', { id: 'overview-status' });
  const figures = el('div', { id: 'overview-figures' });
  const grid = el('div', { class: 'charts' });
  fill(main, el('h1', { text: 'Overview' }), status, grid, el('h2', { text: 'Consumer groups' }), figures);
  const data = CHARTS.map(chart => [[], ...chart.series.map(() => [])]);
  const plots = CHARTS.map((chart, i) => {
    const box = el('div', { class: 'chart', id: 'chart-' + chart.id }, el('strong', { text: chart.title }));
    grid.append(box);
    return new uPlot({
      width: Math.max(260, box.clientWidth - 16), height: 180,
      series: [{}, ...chart.series.map((label, k) => ({ label, stroke: k ? '#c0392b' : '#1f4e79', width: 2, spanGaps: true }))],
      axes: [{}, { size: 60 }],
    }, data[i], box);
  });
  context.signal.addEventListener('abort', () => plots.forEach(p => p.destroy()));
  let previous = null;
  let previousAt = 0;
  context.every(1000, async () => {
    let samples;
    try {
      samples = parse(await metricsText(context.signal));
    } catch (e) {
      if (e.name !== 'AbortError') fill(status, problemBox(e instanceof ApiError ? e : { title: String(e) }));
      return;
    }
    fill(status, el('p', { class: 'muted', text: 'Head position ' + sum(samples, 'factum_head_position') + ' · scraped ' + new Date().toLocaleTimeString() }));
    const now = performance.now();
    if (previous) {
      const seconds = (now - previousAt) / 1000;
      const t = Date.now() / 1000;
      const p50 = quantile(previous, samples, 'factum_append_duration_seconds', 0.5);
      const p99 = quantile(previous, samples, 'factum_append_duration_seconds', 0.99);
      const rows = [
        [rate(previous, samples, 'factum_appends_total', seconds), rate(previous, samples, 'factum_events_appended_total', seconds)],
        [p50 === null ? null : p50 * 1000, p99 === null ? null : p99 * 1000],
        [sum(samples, 'factum_subscriptions'), sum(samples, 'factum_sse_sessions')],
        [sum(samples, 'factum_group_lag_events'), sum(samples, 'factum_subscription_max_lag_events')],
      ];
      rows.forEach((values, i) => {
        data[i][0].push(t);
        values.forEach((v, k) => data[i][k + 1].push(v));
        if (data[i][0].length > POINTS) data[i].forEach(column => column.shift());
        plots[i].setData(data[i]);
      });
      grid.dataset.points = String(data[0][0].length);
    }
    previous = samples;
    previousAt = now;
    const lag = byLabel(samples, 'factum_group_lag_events', 'group');
    const parked = byLabel(samples, 'factum_group_parked', 'group');
    const consumers = byLabel(samples, 'factum_group_consumers', 'group');
    fill(figures, table([...lag.keys()].map(group => ({ group, lag: lag.get(group), parked: parked.get(group), consumers: consumers.get(group) })), [
      ['group', row => row.group], ['lag (events)', row => row.lag], ['parked', row => row.parked], ['consumers', row => row.consumers],
    ], 'No consumer groups.'));
  });
}
