// Building the page without HTML strings. Design note: every value that comes from the server
// (event data, names, reasons, problem details) enters the page as a text node or through
// textContent, never through innerHTML or an HTML-parsing API, so a stored `<img onerror=...>`
// or `</script>` is shown as the characters it is. Links are only ever built by the console
// itself (hash routes), never from stored values. ConsoleAssetsTest scans for the forbidden APIs.

/** el('td', {class: 'x', on: {click: f}}, 'text', child, ...): an element with text children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') {
      for (const [type, handler] of Object.entries(value)) node.addEventListener(type, handler);
    } else if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = String(value);
    } else if (key === 'value') {
      node.value = value;
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything in `node` with `children`. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A hash link of the console itself: `route` is built by the console, parts are encoded. */
export function link(text, ...parts) {
  return el('a', { href: '#/' + parts.map(encodeURIComponent).join('/') }, text);
}

/** Pretty JSON of a value as text (the value is never interpreted as markup). */
export function pretty(value) {
  return el('pre', { text: JSON.stringify(value, null, 2) });
}

/** A table of objects: `columns` are [header, (row) => cell content]; wide ones scroll by themselves. */
export function table(rows, columns, empty = 'Nothing here yet.') {
  if (!rows.length) return el('p', { class: 'empty', text: empty });
  return el('div', { class: 'table-wrap' }, el('table', {},
    el('thead', {}, el('tr', {}, columns.map(([title]) => el('th', { scope: 'col', text: title })))),
    el('tbody', {}, rows.map(row => el('tr', {}, columns.map(([, cell]) => el('td', {}, cell(row))))))));
}

/** The columns showing every field of objects as text (for shapes the console does not special-case). */
export function fieldColumns(rows) {
  const keys = [...new Set(rows.flatMap(row => Object.keys(row)))];
  return keys.map(key => [key, row => text(row[key])]);
}

/** A value as short text: objects as JSON, absent as an empty cell. */
export function text(value) {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The problem (or other failure) as a block: title, code, detail. */
export function problemBox(error) {
  return el('div', { class: 'problem', role: 'alert' },
    el('strong', { text: error.title || 'Request failed' }),
    error.code ? [' ', el('span', { class: 'code', text: error.code })] : null,
    error.status ? el('span', { class: 'muted', text: ' (' + error.status + ')' }) : null,
    error.detail ? el('div', { text: error.detail }) : null);
}

/** Asks for confirmation in a modal dialog; resolves true only when the user confirms. */
export function confirmDialog(message, confirmLabel) {
  return new Promise(resolve => {
    const dialog = el('dialog', { 'aria-label': 'Confirm' },
      el('p', { text: message }),
      el('div', { class: 'row' },
        el('button', { class: 'danger', 'data-confirm': 'yes', on: { click: () => close(true) } }, confirmLabel),
        el('button', { 'data-confirm': 'no', on: { click: () => close(false) } }, 'Cancel')));
    function close(answer) {
      dialog.close();
      dialog.remove();
      resolve(answer);
    }
    dialog.addEventListener('cancel', () => close(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}
