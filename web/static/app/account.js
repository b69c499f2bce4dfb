// The account page: every user changes their own password here; admins
// also see the users and add or remove them. Passwords go only to the
// server, which keeps an Argon2id hash.
import { el, field, announce } from './dom.js';
import { api } from './api.js';
import { t } from '../app-i18n.js';

function passwordForm() {
  const cur = el('input', { type: 'password', autocomplete: 'current-password', required: true });
  const next = el('input', { type: 'password', autocomplete: 'new-password', minlength: 8, required: true });
  const msg = el('p', { class: 'form-msg', role: 'alert' });
  const form = el('form', { class: 'card', id: 'password-form' },
    el('h2', {}, t('change_password')),
    field(t('current_password'), cur).wrap, field(t('new_password'), next, t('password_hint')).wrap,
    el('button', { type: 'submit' }, t('change_password')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    msg.className = 'form-msg';
    try {
      await api('POST', '/api/v1/me/password', { current: cur.value, new: next.value });
      msg.className = 'form-msg ok';
      msg.textContent = t('password_changed');
      announce(t('password_changed'));
      form.reset();
    } catch (e) {
      msg.textContent = e.status === 403 ? t('password_wrong') : e.status === 400 ? t('password_short') : e.message;
    }
  });
  return form;
}

async function usersSection(me) {
  const box = el('section', { class: 'card', id: 'users' }, el('h2', {}, t('users')));
  const list = el('ul', { class: 'user-list' });
  const msg = el('p', { class: 'form-msg', role: 'alert' });
  async function load() {
    const { users } = await api('GET', '/api/v1/users');
    list.replaceChildren(...users.map((u) => {
      const del = el('button', { type: 'button', class: 'danger small', disabled: u.name === me.name || null },
        t('delete_user'));
      del.setAttribute('aria-label', `${t('delete_user')}: ${u.name}`);
      del.addEventListener('click', async () => {
        if (!confirm(t('delete_user_confirm', { name: u.name }))) return;
        try { await api('DELETE', `/api/v1/users/${encodeURIComponent(u.name)}`); await load(); } catch (e) { msg.textContent = e.message; }
      });
      return el('li', {}, el('span', { class: 'user-name' }, u.name), el('span', { class: 'pill' }, t(`role_${u.role}`, {}, u.role)), del);
    }));
  }
  const name = el('input', { type: 'text', maxlength: 64, required: true, autocomplete: 'off' });
  const pw = el('input', { type: 'password', minlength: 8, required: true, autocomplete: 'new-password' });
  const role = el('select', {}, ...['facilitator', 'moderator', 'admin'].map((r) => el('option', { value: r }, t(`role_${r}`, {}, r))));
  const add = el('form', { class: 'add-user' },
    el('h3', {}, t('add_user')), field(t('user_name'), name).wrap, field(t('new_password'), pw, t('password_hint')).wrap,
    field(t('role'), role).wrap, el('button', { type: 'submit' }, t('add_user')));
  add.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      await api('POST', '/api/v1/users', { name: name.value.trim(), password: pw.value, role: role.value });
      add.reset();
      announce(t('user_added'));
      await load();
    } catch (e) { msg.textContent = e.status === 409 ? t('user_exists', { name: name.value.trim() }) : e.message; }
  });
  box.append(list, msg, add);
  await load();
  return box;
}

export async function accountPage(main, me) {
  document.title = `${t('account')} — inspraak`;
  main.append(el('h1', {}, t('account')), el('p', { class: 'muted' }, `${me.name} · ${t(`role_${me.role}`, {}, me.role)}`), passwordForm());
  if (me.role === 'admin') main.append(await usersSection(me));
}
