// One conversation: both sides' messages as bubbles with their times and ticks, grouped by day,
// older pages on request, and the composer. Messages are merged by id and a status only ever moves
// forward, so a message seen through the REST API and again through /api/events appears once.

import { api, ApiError } from './api.js';
import * as composer from './composer.js';
import { ago, byId, dateTime, dayKey, dayLabel, fill, h, time, toast, uuid } from './dom.js';
import { displayName, paintAvatar, paintTrust, routeOf } from './people.js';

const PAGE = 50;
/** How far a status has come: a lower one never replaces a higher one. */
const RANK = { ERROR: 0, SENDING: 0, QUEUED: 1, SENT: 2, DELIVERED: 3, FAILED: 4, RECEIVED: 5 };
const TICKS = {
  SENDING: ['◷', 'Sending'],
  QUEUED: ['◷', 'Queued: it goes out when they are reachable'],
  SENT: ['✓', 'Sent'],
  DELIVERED: ['✓✓', 'Delivered'],
  FAILED: ['✗', 'Not delivered'],
  ERROR: ['!', 'Not sent'],
};

let current = null;
let localSeq = 0;
let renderQueued = false;
let hooks = { seen: () => {}, openInfo: () => {}, back: () => {}, known: () => null };

/**
 * `seen(peerId, cursor)`, `openInfo()`, `back()`; `known(peerId)` finds another peer of the list (to
 * name the relay a contact is reached through).
 */
export function init(callbacks) {
  hooks = { ...hooks, ...callbacks };
  composer.init(send);
  byId('older').addEventListener('click', loadOlder);
  byId('open-info').addEventListener('click', () => hooks.openInfo());
  byId('changed-details').addEventListener('click', () => hooks.openInfo());
  byId('back').addEventListener('click', () => hooks.back());
  document.addEventListener('visibilitychange', () => { if (!document.hidden && current) reportSeen(current); });
}

export function setLimit(bytes) {
  composer.setLimit(bytes);
}

/** The peerId of the open conversation, or null. */
export function peerId() {
  return current ? current.peer.peerId : null;
}

export async function open(peer) {
  const session = {
    peer,
    messages: new Map(),
    nodes: new Map(),
    nextBefore: null,
    loading: true,
    early: [],
    fetching: new Set(),
  };
  current = session;
  const section = byId('conversation');
  section.dataset.peer = peer.peerId;
  section.dataset.state = 'loading';
  byId('welcome').hidden = true;
  section.hidden = false;
  byId('no-messages').hidden = true;
  byId('older').hidden = true;
  fill(byId('message-list'));
  updatePeer(peer);
  composer.focus();
  try {
    const page = await api.conversation(peer.peerId, null, PAGE);
    if (current !== session) return;
    page.messages.forEach((m) => merge(session, m));
    session.nextBefore = page.nextBefore;
  } catch (e) {
    if (current !== session) return;
    toast(`The conversation could not be loaded: ${e.message}`, 'error');
  }
  session.loading = false;
  // status changes that came while the page was loading
  session.early.forEach((s) => onStatus(s));
  session.early = [];
  render(session, { toBottom: true });
  section.dataset.state = 'ready';
}

export function close() {
  current = null;
  delete byId('conversation').dataset.peer;
  byId('conversation').hidden = true;
  byId('welcome').hidden = false;
}

/** The header of the open conversation, after the contact changed (state and route, name, trust). */
export function updatePeer(peer) {
  if (!current || current.peer.peerId !== peer.peerId) return;
  current.peer = peer;
  const name = displayName(peer);
  byId('chat-name').textContent = name;
  paintAvatar(byId('chat-avatar'), peer);
  paintTrust(byId('chat-trust'), peer.trust);
  const status = byId('chat-status');
  const parts = [];
  const route = routeOf(peer, hooks.known);
  if (peer.state === 'CONNECTED') {
    parts.push(route?.route === 'direct' ? 'Connected directly' : route ? `Connected ${route.label}` : 'Connected');
  } else {
    parts.push(peer.lastSeen ? `Offline, seen ${ago(peer.lastSeen)}` : 'Offline');
    parts.push('messages wait here until they are back');
  }
  if (peer.undelivered > 0) parts.push(`${peer.undelivered} queued`);
  status.textContent = parts.join(' · ');
  status.dataset.state = peer.state;
  status.dataset.route = route?.route || '';
  status.dataset.relay = route?.relayId || '';
  status.title = route?.title || '';
  // the label, also where the button shows as an icon (narrow screens): it stays its accessible name
  byId('open-info').querySelector('.info-label').textContent =
    { VERIFIED: 'Safety number', CHANGED: 'Details' }[peer.trust] || 'Verify';
  const banner = byId('changed-banner');
  banner.hidden = peer.trust !== 'CHANGED';
  byId('changed-text').textContent = peer.trust === 'CHANGED'
    ? `Another identity answered at ${peer.addresses?.join(', ') || 'their address'}. This peer refused it and `
      + `sends nothing there. Ask ${name} whether their key really changed.`
    : '';
  byId('composer-text').placeholder = `Message ${name}`;
}

/** An inbound message from /api/events. */
export function onMessage(m) {
  const s = current;
  if (!s || m.peerId !== s.peer.peerId) return;
  merge(s, m);
  scheduleRender(s);
}

/** A status change of an outbound message from /api/events: {id, peerId, cursor, status, at}. */
export function onStatus(e) {
  const s = current;
  if (!s || e.peerId !== s.peer.peerId) return;
  if (s.loading) {
    s.early.push(e);
    return;
  }
  const m = s.messages.get(e.id);
  if (!m) {
    // sent by another client of this peer (curl, say): fetch it, unless it is older than what is shown
    const cursors = [...s.messages.values()].map((x) => x.cursor).filter((c) => c != null);
    const oldest = cursors.length ? Math.min(...cursors) : Infinity;
    if (s.nextBefore == null || e.cursor > oldest) fetchOne(s, e.id);
    return;
  }
  if (RANK[e.status] < RANK[m.status]) return;
  m.status = e.status;
  if (m.cursor == null) m.cursor = e.cursor;
  if (e.status === 'SENT' && !m.sentAt) m.sentAt = e.at;
  if (e.status === 'DELIVERED') m.deliveredAt = e.at;
  if (e.status === 'FAILED') {
    m.failedAt = e.at;
    fetchOne(s, e.id);   // for the reason
  }
  changed(s, m);
}

/** A message changed: its bubble at once (every tick shows, however fast they come), the list soon. */
function changed(s, m) {
  if (s.nodes.has(m.id)) node(s, m);
  scheduleRender(s);
}

async function fetchOne(s, id) {
  if (s.fetching.has(id)) return;
  s.fetching.add(id);
  try {
    const m = await api.message(id);
    if (m.peerId === s.peer.peerId) {
      merge(s, m);
      changed(s, s.messages.get(id));
    }
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) console.warn('message', id, 'could not be read:', e.message);
  } finally {
    s.fetching.delete(id);
  }
}

function merge(s, incoming) {
  const known = s.messages.get(incoming.id);
  if (!known) {
    s.messages.set(incoming.id, { ...incoming });
    return;
  }
  const forward = RANK[incoming.status] >= RANK[known.status];
  for (const [k, v] of Object.entries(incoming)) {
    if (v === null || v === undefined) continue;
    if (k === 'status' && !forward) continue;
    if (forward || known[k] === null || known[k] === undefined) known[k] = v;
  }
}

function timeOf(m) {
  return m.direction === 'IN' ? (m.receivedAt || m.createdAt) : m.createdAt;
}

function order(a, b) {
  // stored messages by cursor; ones still on their way from this page after them, in typing order
  if (a.cursor != null && b.cursor != null) return a.cursor - b.cursor;
  if (a.cursor != null) return -1;
  if (b.cursor != null) return 1;
  return (a.local || 0) - (b.local || 0);
}

function scheduleRender(s) {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    if (current === s) render(s);
  });
}

function tick(m) {
  const [mark, label] = TICKS[m.status] || ['', m.status];
  const title = [label, m.sentAt && `sent ${dateTime(m.sentAt)}`, m.deliveredAt && `delivered ${dateTime(m.deliveredAt)}`]
    .filter(Boolean).join(' · ');
  return h('span', { className: `tick ${m.status.toLowerCase()}`, textContent: mark, title, attrs: { role: 'img', 'aria-label': label } });
}

function problemLine(s, m) {
  if (m.status === 'FAILED') {
    return h('p', { className: 'failure' },
      h('span', { textContent: `✗ Not delivered: ${m.failure || 'given up'}` }),
      h('button', { type: 'button', className: 'link', textContent: 'Send again', onclick: () => send(m.text) }));
  }
  return h('p', { className: 'failure' },
    h('span', { textContent: `Not sent: ${m.failure}` }),
    h('button', {
      type: 'button',
      className: 'link',
      textContent: 'Retry',
      onclick: () => {
        m.status = 'SENDING';
        m.failure = null;
        scheduleRender(s);
        post(s, m);
      },
    }));
}

function node(s, m) {
  const signature = [m.status, m.failure, m.cursor, m.sentAt, m.deliveredAt].join('|');
  let li = s.nodes.get(m.id);
  if (li && li.dataset.signature === signature) return li;
  if (!li) {
    li = h('li', { data: { id: m.id } });
    s.nodes.set(m.id, li);
  }
  li.dataset.signature = signature;
  li.dataset.status = m.status;
  li.className = `msg ${m.direction === 'OUT' ? 'out' : 'in'} ${m.status.toLowerCase()}`;
  const at = timeOf(m);
  const meta = h('p', { className: 'meta' }, h('time', { dateTime: at, textContent: time(at), title: dateTime(at) }));
  if (m.direction === 'OUT') meta.append(tick(m));
  fill(li,
    h('p', { className: 'text', textContent: m.text ?? '' }),
    meta,
    m.status === 'FAILED' || m.status === 'ERROR' ? problemLine(s, m) : null);
  return li;
}

function render(s, { toBottom = false, keepPosition = false } = {}) {
  const box = byId('messages');
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
  const fromBottom = box.scrollHeight - box.scrollTop;
  const items = [];
  let day = null;
  for (const m of [...s.messages.values()].sort(order)) {
    const at = timeOf(m);
    if (dayKey(at) !== day) {
      day = dayKey(at);
      items.push(h('li', { className: 'day' }, h('span', { textContent: dayLabel(at) })));
    }
    items.push(node(s, m));
  }
  fill(byId('message-list'), items);
  byId('no-messages').hidden = s.messages.size > 0 || s.loading;
  byId('older').hidden = s.nextBefore == null;
  if (keepPosition) {
    box.scrollTop = box.scrollHeight - fromBottom;
  } else if (toBottom || nearBottom) {
    box.scrollTop = box.scrollHeight;
  }
  reportSeen(s);
}

function reportSeen(s) {
  if (document.hidden) return;
  const inbound = [...s.messages.values()].filter((m) => m.direction === 'IN').map((m) => m.cursor);
  if (inbound.length) hooks.seen(s.peer.peerId, Math.max(...inbound));
}

async function loadOlder() {
  const s = current;
  if (!s || s.nextBefore == null || s.loadingOlder) return;
  const button = byId('older');
  s.loadingOlder = true;
  button.disabled = true;
  try {
    const page = await api.conversation(s.peer.peerId, s.nextBefore, PAGE);
    if (current !== s) return;
    page.messages.forEach((m) => merge(s, m));
    s.nextBefore = page.nextBefore;
    render(s, { keepPosition: true });
    if (s.nextBefore == null) byId('messages').focus();
  } catch (e) {
    toast(`Older messages could not be loaded: ${e.message}`, 'error');
  } finally {
    s.loadingOlder = false;
    button.disabled = false;
  }
}

function send(text) {
  const s = current;
  if (!s) return;
  const m = {
    id: uuid(),
    peerId: s.peer.peerId,
    to: s.peer.peerId,
    direction: 'OUT',
    text,
    status: 'SENDING',
    createdAt: new Date().toISOString(),
    local: ++localSeq,
  };
  s.messages.set(m.id, m);
  render(s, { toBottom: true });
  post(s, m);
}

/** POST with the message's own id: a retry after a lost answer is not sent twice. */
async function post(s, m) {
  try {
    const saved = await api.send(s.peer.peerId, m.text, m.id);
    merge(s, saved);
  } catch (e) {
    if (m.status === 'SENDING') {
      m.status = 'ERROR';
      m.failure = e instanceof ApiError ? e.message : `this peer did not answer (${e.message})`;
    }
  }
  changed(s, s.messages.get(m.id) || m);
}
