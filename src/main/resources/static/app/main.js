// The chat page of this peer. It uses only the public REST API and /api/events: identity, contacts,
// one conversation at a time, and the live stream that keeps them current.

import { api } from './api.js';
import * as connect from './connect.js';
import * as info from './contact-info.js';
import * as contacts from './contacts.js';
import * as conversation from './conversation.js';
import { byId, toast } from './dom.js';
import { followEvents } from './events.js';
import * as identity from './identity.js';
import { displayName } from './people.js';
import * as token from './token.js';

const app = {
  me: null,
  peers: new Map(),
  /** peerId -> Set of ids of inbound messages not seen yet */
  unread: new Map(),
  /** peerId -> the latest time anything happened with it (for the order of the list) */
  activity: new Map(),
};

// ---- unread messages: the highest inbound cursor seen per contact, kept by this browser

function readKey(peerId) {
  return `peerlink.read.${app.me.peerId}.${peerId}`;
}

function readCursor(peerId) {
  return Number(localStorage.getItem(readKey(peerId)) || 0);
}

function seen(peerId, cursor) {
  if (cursor > readCursor(peerId)) localStorage.setItem(readKey(peerId), String(cursor));
  if (app.unread.get(peerId)?.size) {
    app.unread.delete(peerId);
    renderContacts();
  }
}

function countUnread(m) {
  if (m.direction !== 'IN' || m.cursor <= readCursor(m.peerId)) return;
  if (conversation.peerId() === m.peerId && !document.hidden) return;
  const set = app.unread.get(m.peerId) || new Set();
  set.add(m.id);
  app.unread.set(m.peerId, set);
}

function updateTitle() {
  let total = 0;
  app.unread.forEach((s) => { total += s.size; });
  document.title = total > 0 ? `(${total}) peerlink` : 'peerlink';
}

// ---- contacts

function sortedPeers() {
  const when = (p) => app.activity.get(p.peerId) || p.lastSeen || p.firstSeen || '';
  return [...app.peers.values()].sort((a, b) => when(b).localeCompare(when(a))
    || displayName(a).localeCompare(displayName(b)));
}

let contactsQueued = false;

/** Draws the contact list once for everything that happened in this turn of the event loop. */
function renderContacts() {
  if (contactsQueued) return;
  contactsQueued = true;
  setTimeout(() => {
    contactsQueued = false;
    drawContacts();
  }, 0);
}

function drawContacts() {
  const counts = new Map([...app.unread].map(([id, set]) => [id, set.size]));
  contacts.render(sortedPeers(), conversation.peerId(), counts);
  updateTitle();
}

function touch(peerId, at) {
  if (at && at > (app.activity.get(peerId) || '')) app.activity.set(peerId, at);
}

let refreshTimer = null;
let loading = false;
let loadAgain = false;

/** Reads the contacts again soon (several events in a row make one request). */
function refreshPeers() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(loadPeers, 150);
}

async function loadPeers() {
  if (loading) {
    loadAgain = true;
    return;
  }
  loading = true;
  try {
    do {
      loadAgain = false;
      try {
        const list = await api.peers();
        app.peers = new Map(list.map((p) => [p.peerId, p]));
        list.forEach((p) => {
          conversation.updatePeer(p);
          info.update(p);
        });
        const open = conversation.peerId();
        if (open && !app.peers.has(open)) deselect();
        renderContacts();
      } catch (e) {
        toast(`The contacts could not be loaded: ${e.message}`, 'error');
      }
    } while (loadAgain);
  } finally {
    loading = false;
  }
}

/** One contact changed through this page (renamed, verified): show it everywhere now. */
function peerChanged(p) {
  app.peers.set(p.peerId, p);
  conversation.updatePeer(p);
  info.update(p);
  renderContacts();
}

const RELATION_DONE = { accept: 'accepted', block: 'blocked', unblock: 'unblocked' };

/** Accepts a message request, blocks a peer or lifts its block, and says so. */
async function changeRelation(action, peerId) {
  try {
    const p = await api[action](peerId);
    peerChanged(p);
    toast(`${displayName(p)}: ${RELATION_DONE[action]}`);
  } catch (e) {
    toast(`That did not work: ${e.message}`, 'error');
  }
}

function select(peerId) {
  const p = app.peers.get(peerId);
  if (!p) return;
  byId('app').dataset.view = 'chat';
  if (conversation.peerId() !== peerId) {
    conversation.open(p);
  } else {
    byId('composer-text').focus();
  }
  app.unread.delete(peerId);
  renderContacts();
}

function deselect() {
  conversation.close();
  byId('app').dataset.view = 'list';
  renderContacts();
  byId('contacts').querySelector('button.contact')?.focus();
}

// ---- live events

function onEvent(type, data) {
  if (type === 'message') {
    // a message the history retention removed since: the event alone has nothing to show
    if (!data.direction) return;
    touch(data.peerId, data.receivedAt);
    countUnread(data);
    conversation.onMessage(data);
    renderContacts();
    if (!app.peers.has(data.peerId)) refreshPeers();
  } else if (type === 'status') {
    touch(data.peerId, data.at);
    conversation.onStatus(data);
    refreshPeers();   // the queued count
  } else if (type === 'peer') {
    refreshPeers();
    if (data.event === 'request' && app.started) {
      toast('A message request arrived: someone you did not dial connected to this peer');
    }
    if (data.event === 'key-changed' && app.started) {
      const p = app.peers.get(data.peerId);
      toast(`The key of ${p ? displayName(p) : 'a contact'} changed: this peer refused the new one`, 'error');
    }
  }
}

const STREAM_LABELS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

function onStreamState(state) {
  const el = byId('stream-state');
  el.dataset.state = state;
  el.textContent = STREAM_LABELS[state] || state;
  el.title = state === 'live' ? 'New messages and ticks arrive as they happen' : 'The page is not receiving updates';
  if (state === 'live') refreshPeers();
}

// ---- start

async function start() {
  token.init();
  identity.init();
  contacts.init(select, changeRelation);
  connect.init((p, created) => {
    toast(created ? `Connected to ${displayName(p)}` : `${displayName(p)} was already connected`);
    app.peers.set(p.peerId, p);
    select(p.peerId);
    refreshPeers();
  });
  info.init({
    onChange: peerChanged,
    onForget: (peerId) => {
      app.peers.delete(peerId);
      if (conversation.peerId() === peerId) deselect();
      refreshPeers();
    },
  });
  conversation.init({
    seen,
    openInfo: () => {
      const p = app.peers.get(conversation.peerId());
      if (p) info.open(p);
    },
    back: deselect,
    known: (peerId) => app.peers.get(peerId),
  });
  // the dialogs' close buttons
  document.querySelectorAll('dialog [data-close]').forEach((b) => {
    b.addEventListener('click', () => b.closest('dialog').close());
  });

  try {
    app.me = await api.identity();
  } catch (e) {
    toast(`This peer did not answer: ${e.message}`, 'error');
    return;
  }
  identity.show(app.me);
  conversation.setLimit(app.me.maxMessageBytes);
  await loadPeers();
  document.body.classList.add('ready');
  followEvents({ onEvent, onState: onStreamState });
  // the replay of stored events is done long before anyone could act on a toast
  setTimeout(() => { app.started = true; }, 3000);
}

start();
