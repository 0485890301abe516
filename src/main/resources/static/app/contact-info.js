// The contact dialog: rename, the safety number with its QR code, "mark as verified" (and taking it
// back), the contact's fingerprint and addresses, and forgetting the contact.

import { api, ApiError } from './api.js';
import { byId, dateTime, fill, h, toast } from './dom.js';
import { displayName, paintAvatar, paintTrust } from './people.js';
import { loadQr } from './qr.js';

let peer = null;
let changed = () => {};
let forgotten = () => {};

const digits = (s) => (s || '').replace(/\D/g, '');

export function init({ onChange, onForget }) {
  changed = onChange;
  forgotten = onForget;
  const dialog = byId('info-dialog');
  dialog.addEventListener('close', () => { peer = null; });
  byId('rename-form').addEventListener('submit', (e) => {
    e.preventDefault();
    rename();
  });
  byId('safety-compare').addEventListener('input', compare);
  byId('safety-compared').addEventListener('change', compare);
  byId('verify').addEventListener('click', verify);
  byId('unverify').addEventListener('click', unverify);
  byId('forget').addEventListener('click', () => {
    byId('forget-confirm').hidden = false;
    byId('forget').hidden = true;
    byId('forget-no').focus();
  });
  byId('forget-no').addEventListener('click', () => {
    byId('forget-confirm').hidden = true;
    byId('forget').hidden = false;
    byId('forget').focus();
  });
  byId('forget-yes').addEventListener('click', forget);
}

export function open(p) {
  peer = p;
  byId('rename-input').value = p.alias || '';
  byId('rename-error').textContent = '';
  byId('safety-compare').value = '';
  byId('safety-compared').checked = false;
  byId('verify-error').textContent = '';
  byId('forget-confirm').hidden = true;
  byId('forget').hidden = false;
  show(p);
  compare();
  byId('info-dialog').showModal();
  loadQr(p.peerId, byId('safety-qr'));
}

/** The contact changed (a refresh of the list): redraw it if its dialog is open. */
export function update(p) {
  if (peer && p.peerId === peer.peerId) {
    peer = p;
    show(p);
  }
}

export function close(peerId) {
  if (peer && peer.peerId === peerId) byId('info-dialog').close();
}

function show(p) {
  const name = displayName(p);
  byId('info-title').textContent = name;
  paintAvatar(byId('info-avatar'), p);
  byId('info-changed').hidden = p.trust !== 'CHANGED';
  const groups = (p.safetyNumber || '').split(/\s+/).filter(Boolean);
  fill(byId('safety-number'), groups.flatMap((g, i) => [i > 0 ? ' ' : null, h('span', { textContent: g })]));
  byId('safety-number').setAttribute('aria-label', `Safety number ${p.safetyNumber}`);
  byId('info-fingerprint').textContent = p.fingerprint;
  fill(byId('info-addresses'), (p.addresses?.length ? p.addresses : [p.address || 'none']).map((a) => h('span', { className: 'address', textContent: a })));
  byId('info-first-seen').textContent = dateTime(p.firstSeen) || '—';
  byId('info-last-seen').textContent = p.state === 'CONNECTED' ? 'now (connected)' : dateTime(p.lastSeen) || '—';
  paintTrust(byId('info-trust'), p.trust);
  byId('info-verified-at').textContent = p.trust === 'VERIFIED' && p.verifiedAt ? `since ${dateTime(p.verifiedAt)}` : '';
  byId('verify').hidden = p.trust === 'VERIFIED';
  byId('unverify').hidden = p.trust !== 'VERIFIED';
  byId('compared-line').hidden = p.trust === 'VERIFIED';
  byId('verify-hint').hidden = p.trust === 'VERIFIED';
}

/**
 * Tells at once whether the number they read out is the one shown here, and allows "Mark as
 * verified" only once the numbers were compared: the number typed in matches, or nothing is typed
 * and the person ticked that they compared them.
 */
function compare() {
  const theirs = digits(byId('safety-compare').value);
  const result = byId('safety-compare-result');
  const ours = digits(peer?.safetyNumber);
  let state = 'none';
  if (!theirs || !peer) {
    result.textContent = '';
    result.className = 'compare';
  } else if (theirs === ours) {
    state = 'match';
    result.textContent = '✔ The numbers match.';
    result.className = 'compare match';
  } else if (ours.startsWith(theirs)) {
    state = 'partial';
    result.textContent = `${theirs.length} of ${ours.length} digits match so far…`;
    result.className = 'compare partial';
  } else {
    state = 'mismatch';
    result.textContent = '✗ The numbers differ: someone may be in between. Do not mark this contact verified.';
    result.className = 'compare mismatch';
  }
  const ticked = byId('safety-compared').checked;
  const allowed = state === 'match' || (state === 'none' && ticked);
  byId('verify').disabled = !allowed;
  byId('verify-hint').textContent = allowed ? ''
    : state === 'none' ? 'Compare the numbers first: type the number they see, or tick that you compared them.'
      : state === 'partial' ? 'Type all 60 digits of the number they see.'
        : 'The numbers differ: this contact cannot be marked verified with them.';
}

async function rename() {
  const p = peer;
  if (!p) return;
  const alias = byId('rename-input').value.trim();
  byId('rename-error').textContent = '';
  try {
    const saved = await api.rename(p.peerId, alias || null);
    toast(alias ? `Renamed to ${alias}` : 'Name removed');
    changed(saved);
  } catch (e) {
    byId('rename-error').textContent = e instanceof ApiError ? (e.fieldErrors().alias || e.message) : e.message;
  }
}

async function verify() {
  const p = peer;
  if (!p) return;
  if (byId('verify').disabled) return;
  // the number they gave, when one was typed; otherwise the one both people compared (and said so)
  const typed = byId('safety-compare').value.trim();
  byId('verify-error').textContent = '';
  try {
    const saved = await api.verify(p.peerId, typed || p.safetyNumber);
    toast(`${displayName(saved)} is verified`);
    changed(saved);
  } catch (e) {
    byId('verify-error').textContent = e instanceof ApiError && e.code === 'safety-number-mismatch'
      ? 'That is not the safety number of this contact: nothing was changed.'
      : e.message;
  }
}

async function unverify() {
  const p = peer;
  if (!p) return;
  try {
    changed(await api.unverify(p.peerId));
  } catch (e) {
    byId('verify-error').textContent = e.message;
  }
}

async function forget() {
  const p = peer;
  if (!p) return;
  try {
    await api.forget(p.peerId);
    byId('info-dialog').close();
    toast(`${displayName(p)} forgotten`);
    forgotten(p.peerId);
  } catch (e) {
    byId('verify-error').textContent = e.message;
  }
}
