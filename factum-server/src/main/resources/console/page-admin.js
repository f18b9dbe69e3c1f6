// Admin pages (admin keys only; the nav hides them from other keys and the server refuses them
// 403 anyway): API keys (list, create, revoke) and tenants (list, create, delete). A new key's
// secret is shown once, as text, and never stored by the console.

import { api, seg } from '/console/api.js';
import { el, fill, table, fieldColumns, problemBox, confirmDialog } from '/console/dom.js';

export async function render(main, context) {
  return context.name === 'keys' ? keys(main, context) : tenants(main, context);
}

const list = value => value.split(',').map(v => v.trim()).filter(Boolean);

async function keys(main, context) {
  const box = el('div', { id: 'keys' });
  const notice = el('div', { id: 'keys-notice' });
  const name = el('input', { id: 'key-name', required: true, 'aria-label': 'Key name' });
  const role = el('select', { id: 'key-role', 'aria-label': 'Role' }, ['reader', 'writer', 'admin'].map(r => el('option', { value: r }, r)));
  const prefixes = el('input', { id: 'key-prefixes', placeholder: 'acct-, order-', 'aria-label': 'Stream prefixes' });
  const categories = el('input', { id: 'key-categories', placeholder: 'order', 'aria-label': 'Categories' });
  fill(main, el('h1', { text: 'API keys' }), notice,
    el('form', { id: 'key-create', on: { submit: e => { e.preventDefault(); create(); } } },
      el('label', {}, el('span', { text: 'Name' }), name), el('label', {}, el('span', { text: 'Role' }), role),
      el('label', {}, el('span', { text: 'Prefixes' }), prefixes), el('label', {}, el('span', { text: 'Categories' }), categories),
      el('button', { type: 'submit' }, 'Create key')), box);

  async function refresh() {
    const answer = await api('/admin/keys', { signal: context.signal });
    fill(box, table(answer.keys, [...fieldColumns(answer.keys), ['', k => k.status === 'revoked' ? '' :
      el('button', { class: 'danger', on: { click: () => revoke(k) } }, 'Revoke')]], 'No keys.'));
  }

  async function create() {
    const body = { name: name.value, role: role.value };
    if (list(prefixes.value).length) body.prefixes = list(prefixes.value);
    if (list(categories.value).length) body.categories = list(categories.value);
    try {
      const created = await api('/admin/keys', { method: 'POST', body, signal: context.signal });
      fill(notice, el('div', { class: 'success', role: 'status' }, 'Key created; copy it now, it is not shown again: ', el('code', { id: 'new-key', text: created.key })));
      await refresh();
    } catch (e) {
      if (e.name !== 'AbortError') fill(notice, problemBox(e));
    }
  }

  async function revoke(key) {
    if (!(await confirmDialog('Revoke the key ' + key.name + ' (' + key.id + ')? Its sessions end now.', 'Revoke'))) return;
    try {
      await api('/admin/keys/' + seg(key.id), { method: 'DELETE', signal: context.signal });
      await refresh();
    } catch (e) {
      if (e.name !== 'AbortError') fill(notice, problemBox(e));
    }
  }

  await refresh();
}

async function tenants(main, context) {
  const box = el('div', { id: 'tenants' });
  const notice = el('div', { id: 'tenants-notice' });
  const name = el('input', { id: 'tenant-name', required: true, 'aria-label': 'Tenant name' });
  fill(main, el('h1', { text: 'Tenants' }), notice,
    el('form', { id: 'tenant-create', on: { submit: e => { e.preventDefault(); create(); } } },
      el('label', {}, el('span', { text: 'Name' }), name), el('button', { type: 'submit' }, 'Create tenant')), box);

  async function refresh() {
    const answer = await api('/admin/tenants', { signal: context.signal });
    fill(box, table(answer.tenants, [...fieldColumns(answer.tenants), ['', t =>
      el('button', { class: 'danger', on: { click: () => remove(t.name) } }, 'Delete')]], 'No tenants.'));
  }

  async function create() {
    try {
      await api('/admin/tenants', { method: 'POST', body: { name: name.value }, signal: context.signal });
      fill(notice);
      await refresh();
    } catch (e) {
      if (e.name !== 'AbortError') fill(notice, problemBox(e));
    }
  }

  async function remove(tenant) {
    if (!(await confirmDialog('Delete the tenant ' + tenant + ' and all its data?', 'Delete'))) return;
    try {
      await api('/admin/tenants/' + seg(tenant), { method: 'DELETE', signal: context.signal });
      await refresh();
    } catch (e) {
      if (e.name !== 'AbortError') fill(notice, problemBox(e));
    }
  }

  await refresh().catch(e => fill(box, problemBox(e)));
}
