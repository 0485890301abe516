// The contact list: one button per known peer with its name, whether it is connected and how
// (directly or via which relay), how many messages wait for it, unread messages from it and its
// trust. Message requests (peers that connected on their own, nobody accepted yet) and blocked peers
// are listed apart, above, with accept / block / unblock buttons.

import { ago, byId, fill, h } from './dom.js';
import { avatar, displayName, routeOf, trustBadge } from './people.js';

let onSelect = () => {};
let onRelation = () => {};

/** `select(peerId)` opens a conversation; `relation(action, peerId)` accepts, blocks or unblocks. */
export function init(select, relation) {
  onSelect = select;
  onRelation = relation || onRelation;
  const list = byId('contacts');
  // arrow keys move between contacts; Enter or Space opens one (it is a button)
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...list.querySelectorAll('button.contact')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length].focus();
  });
}

function stateLine(peer, route) {
  const on = peer.state === 'CONNECTED';
  return [
    h('span', {
      className: `state ${on ? 'on' : 'off'}`,
      textContent: on ? 'Connected' : 'Offline',
      title: !on && peer.lastSeen ? `Last seen ${ago(peer.lastSeen)}` : '',
    }),
    route ? h('span', { className: `route ${route.route}`, textContent: route.label, title: route.title }) : null,
    peer.undelivered > 0 ? h('span', { className: 'queued-count', textContent: `${peer.undelivered} queued` }) : null,
  ];
}

const items = new Map();

function fillButton(button, peer, selected, count, known) {
  const route = routeOf(peer, known);
  button.className = `contact${selected ? ' selected' : ''}`;
  button.dataset.peer = peer.peerId;
  button.dataset.state = peer.state;
  button.dataset.trust = peer.trust;
  button.dataset.undelivered = String(peer.undelivered);
  button.dataset.route = route?.route || '';
  button.dataset.relay = route?.relayId || '';
  if (selected) button.setAttribute('aria-current', 'true');
  else button.removeAttribute('aria-current');
  fill(button,
    avatar(peer),
    h('span', { className: `presence ${peer.state === 'CONNECTED' ? 'on' : 'off'}`, attrs: { 'aria-hidden': 'true' } }),
    h('span', { className: 'contact-text' },
      h('span', { className: 'contact-name', textContent: displayName(peer) }),
      h('span', { className: 'contact-state' }, stateLine(peer, route))),
    h('span', { className: 'contact-side' },
      trustBadge(peer.trust),
      count > 0 ? h('span', { className: 'unread', textContent: String(count), attrs: { 'aria-label': `${count} unread` } }) : null));
}

/**
 * Draws the list: `peers` in the order given, `selected` the open one, `unread` a Map peerId -> count.
 * Each contact keeps its element from one drawing to the next, so the focus stays where it was.
 */
export function render(all, selected, unread) {
  const peers = all.filter((p) => p.relation !== 'REQUEST' && p.relation !== 'BLOCKED');
  renderRequests(all.filter((p) => p.relation === 'REQUEST' || p.relation === 'BLOCKED'), unread);
  const list = byId('contacts');
  byId('contacts-empty').hidden = peers.length > 0;
  const wanted = new Set(peers.map((p) => p.peerId));
  const byPeerId = new Map(all.map((p) => [p.peerId, p]));
  const known = (peerId) => byPeerId.get(peerId);
  for (const [id, li] of items) {
    if (!wanted.has(id)) {
      li.remove();
      items.delete(id);
    }
  }
  peers.forEach((peer, i) => {
    let li = items.get(peer.peerId);
    if (!li) {
      const button = h('button', { type: 'button', onclick: () => onSelect(peer.peerId) });
      li = h('li', {}, button);
      items.set(peer.peerId, li);
    }
    fillButton(li.firstChild, peer, peer.peerId === selected, unread.get(peer.peerId) || 0, known);
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
  });
}

function requestItem(peer, count) {
  const blocked = peer.relation === 'BLOCKED';
  const name = `${displayName(peer)}${count > 0 ? ` (${count} new)` : ''}`;
  const actions = blocked
    ? [h('button', { type: 'button', className: 'unblock', textContent: 'Unblock',
      onclick: () => onRelation('unblock', peer.peerId) })]
    : [h('button', { type: 'button', className: 'accept primary', textContent: 'Accept',
      onclick: () => onRelation('accept', peer.peerId) }),
    h('button', { type: 'button', className: 'block danger', textContent: 'Block',
      onclick: () => onRelation('block', peer.peerId) })];
  return h('li', { className: 'request', data: { peer: peer.peerId, relation: peer.relation } },
    h('button', { type: 'button', className: 'request-name', textContent: blocked ? `${name}: blocked` : name,
      onclick: () => onSelect(peer.peerId) }),
    ...actions);
}

function renderRequests(requests, unread) {
  byId('requests-section').hidden = requests.length === 0;
  const list = byId('requests');
  list.replaceChildren(...requests.map((p) => requestItem(p, unread.get(p.peerId) || 0)));
}
