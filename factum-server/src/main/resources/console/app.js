// The console's shell: asks for a key when the server wants one, finds out whether the key is an
// admin's (by asking an admin route, never by a console-only endpoint), and routes the hash
// (#/page/param) to one page module at a time. Design note: each page gets an AbortSignal that
// fires when the user leaves it, so no fetch, SSE feed or timer of a page outlives it; a page's
// failure is shown as the problem's title and code in place of the page. Keys 1-9 jump to the
// pages (outside form fields); every control is a link, button or form field, so Tab works.

import { api, session, ApiError } from '/console/api.js';
import { el, fill, problemBox } from '/console/dom.js';

const PAGES = [
  { route: 'overview', title: 'Overview', module: 'page-overview.js' },
  { route: 'streams', title: 'Streams', module: 'page-streams.js' },
  { route: 'live', title: 'Live log', module: 'page-live.js' },
  { route: 'append', title: 'Append', module: 'page-append.js' },
  { route: 'consumers', title: 'Consumers', module: 'page-consumers.js' },
  { route: 'projections', title: 'Projections', module: 'page-projections.js' },
  { route: 'sinks', title: 'Sinks', module: 'page-sinks.js', admin: true },
  { route: 'keys', title: 'Keys', module: 'page-admin.js', admin: true },
  { route: 'tenants', title: 'Tenants', module: 'page-admin.js', admin: true },
];
const HIDDEN = { stream: 'page-stream.js' };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let state = { admin: false, auth: false };
let leave = null;

async function start() {
  try {
    await api('/');
  } catch (e) {
    if (e instanceof ApiError && e.code === 'unauthorized') return askForKey(session.key() ? e : null);
    return fill(main, problemBox(e));
  }
  state.auth = Boolean(session.key());
  try {
    await api('/admin/keys');
    state.admin = true;
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'forbidden') throw e;
    state.admin = false;
  }
  fill(who, state.auth ? (state.admin ? 'admin key' : 'key without admin rights') : 'auth off',
    state.auth ? el('button', { id: 'sign-out', on: { click: signOut } }, 'Forget key') : null);
  fill(nav, PAGES.filter(p => state.admin || !p.admin).map((p, i) =>
    el('a', { href: '#/' + p.route, 'data-page': p.route, title: 'Key ' + (i + 1) }, p.title)));
  window.addEventListener('hashchange', route);
  route();
}

function askForKey(error) {
  fill(nav);
  fill(who);
  const input = el('input', { id: 'api-key', type: 'password', autocomplete: 'off', required: true, 'aria-label': 'API key' });
  fill(main,
    el('h1', { text: 'Sign in' }),
    el('form', { id: 'key-form', on: { submit: event => { event.preventDefault(); session.setKey(input.value.trim()); location.reload(); } } },
      el('p', { text: 'This server needs an API key. It is kept for this tab only (sessionStorage) and sent as the Authorization header.' }),
      el('label', {}, el('span', { text: 'API key' }), input),
      el('button', { type: 'submit' }, 'Use key')),
    error ? problemBox(error) : null);
  if (error) session.clear();
  input.focus();
}

function signOut() {
  session.clear();
  location.hash = '';
  location.reload();
}

async function route() {
  if (leave) leave.abort();
  leave = new AbortController();
  const signal = leave.signal;
  const [first, ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const name = first || 'overview';
  const page = PAGES.find(p => p.route === name);
  const module = page && (state.admin || !page.admin) ? page.module : HIDDEN[name];
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!module) {
    fill(main, el('h1', { text: 'Not found' }), el('p', { class: 'empty', text: 'There is no page here for this key.' }));
    main.dataset.page = 'not-found';
    return;
  }
  delete main.dataset.page;
  fill(main, el('p', { class: 'empty', text: 'Loading…' }));
  try {
    const { render } = await import('/console/' + module);
    if (signal.aborted) return;
    const context = {
      ...state, name, params, signal,
      every(ms, task) {
        const id = setInterval(task, ms);
        signal.addEventListener('abort', () => clearInterval(id));
        task();
      },
    };
    await render(main, context);
    document.title = (page ? page.title : name) + ' · Factum console';
    main.dataset.page = name;
  } catch (e) {
    if (signal.aborted || e.name === 'AbortError') return;
    fill(main, problemBox(e));
  }
}

document.addEventListener('keydown', event => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest('input, textarea, select, dialog')) return;
  const links = nav.querySelectorAll('a');
  const index = Number(event.key) - 1;
  if (index >= 0 && index < links.length) {
    location.hash = links[index].getAttribute('href');
    main.focus();
  }
});

start().catch(e => fill(main, problemBox(e)));
