// The facilitator workspace: one page for every /app/... path, routed by
// location.pathname. The server sends this page only to logged-in users;
// every request checks again and sends the CSRF token with changes.
import { loadMe } from './app/api.js';
import { t, setLang, getLang } from './app-i18n.js';
import { el } from './app/dom.js';
import { dashboard } from './app/dashboard.js';
import { eventPage } from './app/event.js';
import { moderatePage } from './app/moderate.js';
import { remotePage } from './app/remote.js';
import { accountPage } from './app/account.js';
import { helpPage } from './app/help.js';

const main = document.getElementById('main');

function chrome(me) {
  const who = document.getElementById('who');
  who.replaceChildren();
  if (me) { // the name leads to the account page (password, and users for admins)
    // On a phone only the name shows; the role and what the link is for
    // are still read out.
    who.append(el('a', { href: '/app/account', id: 'account-link' },
      el('span', { class: 'who-name' }, me.name),
      el('span', { class: 'who-role' }, ` · ${t(`role_${me.role}`, {}, me.role)}`),
      el('span', { class: 'sr-only' }, ` (${t('account')})`)));
  }
  document.getElementById('appnav').setAttribute('aria-label', t('account'));
  document.querySelector('.skip').textContent = t('skip');
  document.getElementById('logout').textContent = t('logout');
  const sw = document.getElementById('lang-switch');
  const other = getLang() === 'en' ? 'nl' : 'en';
  sw.textContent = other === 'en' ? 'English' : 'Nederlands';
  sw.lang = other;
  sw.hidden = false;
  sw.onclick = () => {
    localStorage.setItem('inspraak-lang', other);
    location.reload();
  };
}

async function route() {
  // The person's own choice, else the browser's language as the login page
  // reads it (Accept-Language): the first of Dutch and English it names.
  const saved = localStorage.getItem('inspraak-lang');
  const browser = (navigator.languages || [navigator.language || '']).map((l) => String(l).slice(0, 2).toLowerCase())
    .find((l) => l === 'nl' || l === 'en');
  setLang(saved || browser || document.documentElement.lang || 'nl');
  let me;
  try { me = await loadMe(); } catch (e) {
    if (e.status === 401) return; // on the way to the login page
    main.replaceChildren(el('p', { class: 'error', role: 'alert' }, t('offline')));
    return;
  }
  chrome(me);
  main.replaceChildren();
  const p = location.pathname.replace(/\/+$/, '');
  let m;
  if (p === '/app') await dashboard(main, me);
  else if ((m = p.match(/^\/app\/events\/(\d+)$/))) await eventPage(main, Number(m[1]), me);
  else if ((m = p.match(/^\/app\/moderate\/(\d{6,8})$/))) await moderatePage(main, m[1]);
  else if ((m = p.match(/^\/app\/remote\/(\d{6,8})$/))) remotePage(main, m[1]);
  else if (p === '/app/account') await accountPage(main, me);
  else if ((m = p.match(/^\/app\/help(?:\/([a-z]+))?$/))) helpPage(main, m[1]);
  else {
    document.title = `${t('not_found')} — inspraak`;
    main.append(el('h1', {}, t('not_found')), el('p', {}, el('a', { href: '/app' }, t('back_dashboard'))));
  }
}

route();
