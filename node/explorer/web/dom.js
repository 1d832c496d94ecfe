// Building the page from data without ever parsing it as HTML: every value from the API or a
// file becomes a text node, so nothing it contains can run as script or markup.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// A link to another page of the explorer (hash routing: #/block/12).
export function link(route, text) {
  return el('a', { href: `#/${route}` }, text ?? route);
}

// A two-column table of label/value pairs; values may be nodes.
export function facts(rows) {
  return el(
    'table',
    { class: 'facts' },
    el('tbody', {}, rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))),
  );
}

export function table(head, rows, attrs = {}) {
  return el(
    'table',
    { class: 'list', ...attrs },
    el('thead', {}, el('tr', {}, head.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, c))))),
  );
}

export function hashText(h) {
  return el('code', { class: 'hash' }, h);
}

export function time(ms) {
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : '-';
}

// What the API said when it refused: its code and message, word for word.
export function apiError(r, what) {
  const hint =
    r.code === 'session_required' || r.status === 401
      ? ' This node requires a session: paste a token from `regledger login` above.'
      : '';
  return el(
    'div',
    { class: 'error', role: 'alert' },
    `${what}: ${r.code}: ${r.message}.${hint}`,
  );
}
