// The contact list: one button per known peer with its name, whether it is connected, how many
// messages wait for it, unread messages from it and its trust.

import { ago, byId, fill, h } from './dom.js';
import { avatar, displayName, trustBadge } from './people.js';

let onSelect = () => {};

export function init(select) {
  onSelect = select;
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

function stateLine(peer) {
  const parts = [];
  if (peer.state === 'CONNECTED') {
    parts.push(h('span', { className: 'state on', textContent: 'Connected' }));
  } else {
    parts.push(h('span', { className: 'state off', textContent: peer.lastSeen ? `Seen ${ago(peer.lastSeen)}` : 'Offline' }));
  }
  if (peer.undelivered > 0) {
    parts.push(h('span', { className: 'queued', textContent: `${peer.undelivered} queued` }));
  }
  return parts;
}

/**
 * Draws the list: `peers` in the order given, `selected` the open one, `unread` a Map peerId -> count.
 */
export function render(peers, selected, unread) {
  const list = byId('contacts');
  const hadFocus = list.contains(document.activeElement) ? document.activeElement.dataset.peer : null;
  byId('contacts-empty').hidden = peers.length > 0;
  fill(list, peers.map((peer) => {
    const count = unread.get(peer.peerId) || 0;
    const name = displayName(peer);
    const button = h('button', {
      type: 'button',
      className: `contact${peer.peerId === selected ? ' selected' : ''}`,
      data: { peer: peer.peerId, state: peer.state, trust: peer.trust, undelivered: String(peer.undelivered) },
      attrs: peer.peerId === selected ? { 'aria-current': 'true' } : {},
      onclick: () => onSelect(peer.peerId),
    },
    avatar(peer),
    h('span', { className: `presence ${peer.state === 'CONNECTED' ? 'on' : 'off'}`, attrs: { 'aria-hidden': 'true' } }),
    h('span', { className: 'contact-text' },
      h('span', { className: 'contact-name', textContent: name }),
      h('span', { className: 'contact-state' }, stateLine(peer))),
    h('span', { className: 'contact-side' },
      trustBadge(peer.trust),
      count > 0 ? h('span', { className: 'unread', textContent: String(count), attrs: { 'aria-label': `${count} unread` } }) : null));
    return h('li', {}, button);
  }));
  if (hadFocus) {
    list.querySelector(`button.contact[data-peer="${hadFocus}"]`)?.focus();
  }
}
