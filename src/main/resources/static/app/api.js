// The REST API of this peer, as the page uses it. Every call goes through request(): it adds the
// bearer token when one is kept, and on a 401 asks for the token (token.js) and tries once more.

const TOKEN_KEY = 'peerlink.api-token';

let askForToken = async () => { throw new Error('no token prompt'); };
let pendingPrompt = null;

/** Registers the function that asks the person for the token (resolves when one was entered). */
export function onTokenNeeded(prompt) {
  askForToken = prompt;
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

/** Headers every call carries: the bearer token, when there is one. */
export function authHeaders() {
  const t = token();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

/** An error answer of the API: an RFC 9457 problem. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code;
  }

  /** The per-field errors of a 400, as {field or parameter: message}. */
  fieldErrors() {
    const out = {};
    (this.problem.errors || []).forEach((e) => { out[e.field || e.parameter] = e.message; });
    return out;
  }
}

/**
 * Waits for the person to give the token after a 401; one prompt at a time, however many calls
 * were refused. `refused` is true when a token was sent and not accepted.
 */
export function tokenNeeded(refused) {
  if (!pendingPrompt) {
    pendingPrompt = askForToken(refused).finally(() => { pendingPrompt = null; });
  }
  return pendingPrompt;
}

/** fetch() with the token; a 401 asks for the token and retries (as many times as the person tries). */
export async function fetchWithToken(path, init = {}) {
  for (;;) {
    const sent = token();
    const res = await fetch(path, { ...init, headers: { ...(init.headers || {}), ...authHeaders() } });
    if (res.status !== 401) {
      return res;
    }
    if (sent !== token()) {
      continue;   // another call got a new token meanwhile: try with that one
    }
    await tokenNeeded(sent !== null);
  }
}

async function request(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetchWithToken(path, init);
  const text = await res.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = { detail: text.slice(0, 200) };
    }
  }
  if (!res.ok) {
    throw new ApiError(res.status, json);
  }
  return { status: res.status, body: json };
}

const peerPath = (id) => `api/peers/${encodeURIComponent(id)}`;

export const api = {
  identity: async () => (await request('GET', 'api/identity')).body,
  peers: async () => (await request('GET', 'api/peers')).body,
  peer: async (id) => (await request('GET', peerPath(id))).body,
  /** {invite} or {host, port, expectedFingerprint}; gives {status: 201 | 200, body: peer}. */
  connect: (target) => request('POST', 'api/peers', target),
  rename: async (id, alias) => (await request('PATCH', peerPath(id), { alias })).body,
  verify: async (id, safetyNumber) => (await request('POST', `${peerPath(id)}/verify`, { safetyNumber })).body,
  unverify: async (id) => (await request('DELETE', `${peerPath(id)}/verify`)).body,
  forget: (id) => request('DELETE', peerPath(id)),
  accept: async (id) => (await request('POST', `${peerPath(id)}/accept`)).body,
  block: async (id) => (await request('POST', `${peerPath(id)}/block`)).body,
  unblock: async (id) => (await request('DELETE', `${peerPath(id)}/block`)).body,
  conversation: async (id, before, limit = 50) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before) q.set('before', String(before));
    return (await request('GET', `${peerPath(id)}/messages?${q}`)).body;
  },
  message: async (id) => (await request('GET', `api/messages/${encodeURIComponent(id)}`)).body,
  send: async (to, text, id) => (await request('POST', 'api/messages', { to, text, id })).body,
  /** The QR code of the safety number, as SVG text, or null when this peer does not serve one. */
  safetyNumberSvg: async (id) => {
    const res = await fetchWithToken(`${peerPath(id)}/safety-number.svg`, { headers: { Accept: 'image/svg+xml' } });
    return res.status === 200 ? res.text() : null;
  },
};
