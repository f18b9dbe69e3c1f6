// Reading the server's Prometheus text (/metrics) in the browser. Design note: the page keeps the
// previous scrape and derives rates (counter deltas / seconds) and latency quantiles from the
// histogram buckets' deltas, so a chart shows what happened in the last interval, not since the
// server started. Counter resets (a restart) give no point rather than a negative rate.

/** Parses the text format into samples {name, labels, value}. */
export function parse(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    if (match[3]) {
      for (const pair of match[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
      }
    }
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

/** The sum of a metric's samples whose labels match `where` (all of its entries). */
export function sum(samples, name, where = {}) {
  let total = 0;
  for (const s of samples) {
    if (s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** Samples of one metric, by one label's value. */
export function byLabel(samples, name, label) {
  const values = new Map();
  for (const s of samples) if (s.name === name) values.set(s.labels[label], s.value);
  return values;
}

/** The per-second rate of a counter between two scrapes (null on a reset). */
export function rate(previous, current, name, seconds, where) {
  const delta = sum(current, name, where) - sum(previous, name, where);
  return delta < 0 || seconds <= 0 ? null : delta / seconds;
}

/**
 * The q-quantile (0..1) of a histogram over the interval between two scrapes, in the metric's
 * unit, linearly interpolated inside the bucket; null when nothing was observed.
 */
export function quantile(previous, current, name, q) {
  const buckets = new Map();
  for (const s of current) if (s.name === name + '_bucket') buckets.set(s.labels.le, s.value);
  for (const s of previous) if (s.name === name + '_bucket' && buckets.has(s.labels.le)) buckets.set(s.labels.le, buckets.get(s.labels.le) - s.value);
  const sorted = [...buckets].map(([le, count]) => [le === '+Inf' ? Infinity : Number(le), count]).sort((a, b) => a[0] - b[0]);
  if (!sorted.length) return null;
  const total = sorted[sorted.length - 1][1];
  if (!(total > 0)) return null;
  const wanted = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of sorted) {
    if (count >= wanted) {
      if (le === Infinity) return lower;
      const inBucket = count - below;
      return inBucket > 0 ? lower + (le - lower) * ((wanted - below) / inBucket) : le;
    }
    lower = le;
    below = count;
  }
  return lower;
}
