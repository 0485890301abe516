// How a peer is named and drawn everywhere on the page: its alias, or the start of its fingerprint;
// an avatar with its initials in one of eight colours picked by its peerId.

import { h } from './dom.js';

export function displayName(peer) {
  return peer.alias || `Peer ${peer.fingerprint.slice(0, 9)}`;
}

function initials(peer) {
  if (peer.alias) {
    const words = peer.alias.trim().split(/\s+/u).filter(Boolean);
    const letters = words.length > 1 ? [words[0], words[words.length - 1]].map((w) => [...w][0]) : [...words[0]].slice(0, 1);
    return letters.join('').toUpperCase();
  }
  return peer.peerId.slice(0, 2).toUpperCase();
}

/** Fills an avatar element (a span with class "avatar") for the peer. */
export function paintAvatar(el, peer) {
  const hue = parseInt(peer.peerId.slice(0, 2), 16) % 8;
  el.className = el.className.replace(/\bhue-\d\b/g, '').trim();
  el.classList.add('avatar', `hue-${hue}`);
  el.textContent = initials(peer);
}

export function avatar(peer, extra = '') {
  const el = h('span', { className: `avatar ${extra}`.trim(), attrs: { 'aria-hidden': 'true' } });
  paintAvatar(el, peer);
  return el;
}

const TRUST = {
  VERIFIED: { label: 'Verified', mark: '✔', className: 'verified' },
  UNVERIFIED: { label: 'Unverified', mark: '', className: 'unverified' },
  CHANGED: { label: 'Key changed', mark: '⚠', className: 'changed' },
};

/** Fills a trust badge (a span with class "badge"). */
export function paintTrust(el, trust) {
  const t = TRUST[trust] || TRUST.UNVERIFIED;
  el.className = `badge ${t.className}`;
  el.dataset.trust = trust;
  el.textContent = t.mark ? `${t.mark} ${t.label}` : t.label;
}

export function trustBadge(trust) {
  const el = h('span');
  paintTrust(el, trust);
  return el;
}

/**
 * How a connected peer is reached, from `route` and `relayId` of `GET /api/peers`: `{route: 'direct',
 * label: 'direct'}`, or `{route: 'relay', relayId, label: 'via <the relay's name>'}` (its alias if it is
 * a known peer, else the start of its fingerprint); null while not connected, or when the peer does
 * not say. `known(peerId)` finds another peer of the list (the relay is one of them when this peer
 * knows it).
 */
export function routeOf(peer, known = () => null) {
  if (peer.state !== 'CONNECTED') return null;
  if (peer.route === 'direct') return { route: 'direct', label: 'direct', title: 'A direct connection to this peer' };
  if (peer.route !== 'relay' || !peer.relayId) return null;
  const relay = known(peer.relayId);
  const name = relay?.alias || `relay ${peer.relayId.slice(0, 4)} ${peer.relayId.slice(4, 8)}`;
  return {
    route: 'relay',
    relayId: peer.relayId,
    label: `via ${name}`,
    title: `Through the relay ${peer.relayId}: it passes on the encrypted bytes and cannot read them`,
  };
}
