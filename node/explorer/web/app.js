// The explorer's shell: hash routing (#/block/12, #/tx/<id>, ...), the search form and the
// session token box. Pages are in pages.js and verify_page.js.

import * as api from './api.js';
import { el } from './dom.js';
import {
  blockPage,
  blocksPage,
  reportPage,
  searchPage,
  statusPage,
  txPage,
} from './pages.js';
import { verifyPage } from './verify_page.js';

// route name -> page(main, ...path segments after it)
const ROUTES = {
  '': statusPage,
  status: statusPage,
  blocks: blocksPage,
  block: blockPage,
  tx: txPage,
  report: reportPage,
  search: searchPage,
  verify: verifyPage,
};

let rendering = 0;

async function render() {
  const main = document.getElementById('page');
  const parts = location.hash.replace(/^#\/?/, '').split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const page = ROUTES[parts[0]];
  // A slow answer for a page the viewer already left must not overwrite the newer page.
  const mine = ++rendering;
  const fresh = el('div', { 'data-page': parts[0] || 'status' });
  main.replaceChildren(fresh);
  main.setAttribute('aria-busy', 'true');
  if (!page) fresh.append(el('div', { class: 'error' }, `no page "${parts[0]}"`));
  else await page(fresh, ...parts.slice(1).filter((p) => p !== ''));
  if (mine === rendering) main.setAttribute('aria-busy', 'false');
}

async function showSession() {
  const state = document.getElementById('session-state');
  if (!api.token()) {
    state.textContent = 'Anonymous: you see what this node shows readers without a session.';
    return;
  }
  const r = await api.get('/v1/auth/session');
  state.textContent = r.ok
    ? `Signed in as ${r.data.account} (${r.data.org}, ${r.data.role}).`
    : `The token was refused: ${r.code}: ${r.message}`;
}

function setup() {
  document.getElementById('search').addEventListener('submit', (e) => {
    e.preventDefault();
    const q = document.getElementById('search-input').value.trim();
    const kind = document.getElementById('search-kind').value;
    if (!q) return;
    const target = `#/search/${kind}/${encodeURIComponent(q)}`;
    // The same search again changes no hash, so no hashchange would run it.
    if (location.hash === target) render();
    else location.hash = target;
  });
  document.getElementById('session-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = document.getElementById('session-token');
    api.setToken(box.value.trim());
    box.value = '';
    await showSession();
    await render();
  });
  document.getElementById('session-logout').addEventListener('click', async () => {
    await api.logout();
    await showSession();
    await render();
  });
  window.addEventListener('hashchange', render);
  showSession();
  render();
}

setup();
