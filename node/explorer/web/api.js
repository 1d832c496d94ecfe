// The explorer's only way to the chain: the node's public JSON API (/v1, docs/api/openapi.yaml)
// on the origin that served the page, with the viewer's session token when one was given.
// Whatever the API refuses this viewer, the explorer cannot show.

const TOKEN_KEY = 'regledger.session';

// Kept per tab (sessionStorage): closing the tab forgets it, and no other site can read it.
export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// GET a /v1 path. Resolves to {ok: true, data} or {ok: false, status, code, message}; never
// rejects, so every page can show what went wrong.
export async function get(path) {
  const headers = { Accept: 'application/json' };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  let response;
  try {
    response = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    return { ok: false, status: 0, code: 'network_error', message: e.message };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok && body !== null) return { ok: true, data: body };
  const error = body && body.error ? body.error : {};
  return {
    ok: false,
    status: response.status,
    code: error.code || `http_${response.status}`,
    message: error.message || response.statusText,
  };
}

// Ends the session on the node too, then forgets the token.
export async function logout() {
  const t = token();
  setToken('');
  if (!t) return;
  try {
    await fetch('/v1/auth/logout', {
      method: 'POST',
      headers: { Authorization: `Bearer ${t}` },
      credentials: 'omit',
    });
  } catch {
    // The token is forgotten here either way; it expires on the node.
  }
}
