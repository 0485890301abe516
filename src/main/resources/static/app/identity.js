// This peer: the identity dialog (fingerprint, invite link with a copy button, key, limits), the
// invite on the welcome screen and the avatar in the top bar.

import { byId, copyText, formatNumber, toast } from './dom.js';
import { paintAvatar } from './people.js';

export function init() {
  const dialog = byId('identity-dialog');
  byId('open-identity').addEventListener('click', () => dialog.showModal());
  byId('empty-invite').addEventListener('click', () => dialog.showModal());
  byId('copy-invite').addEventListener('click', () => copyInvite(byId('my-invite')));
  byId('welcome-copy').addEventListener('click', () => copyInvite(byId('welcome-invite')));
}

async function copyInvite(input) {
  if (!input.value) return;
  const copied = await copyText(input.value, input);
  toast(copied ? 'Invite link copied' : 'Select the link and copy it with Ctrl+C', copied ? 'info' : 'warn');
}

export function show(me) {
  paintAvatar(byId('me-avatar'), { peerId: me.peerId, fingerprint: me.fingerprint, alias: null });
  byId('open-identity').title = `This peer: ${me.fingerprint}`;
  byId('my-fingerprint').textContent = me.fingerprint;
  byId('my-key').textContent = `${me.keyAlgorithm} ${me.keySize} bits`;
  byId('my-port').textContent = String(me.listenPort);
  byId('my-limit').textContent = `${formatNumber(me.maxMessageBytes)} bytes of UTF-8 text`;
  const hint = byId('my-invite-hint');
  for (const [input, button] of [[byId('my-invite'), byId('copy-invite')], [byId('welcome-invite'), byId('welcome-copy')]]) {
    input.value = me.invite || '';
    input.placeholder = me.invite ? '' : 'no invite link';
    button.disabled = !me.invite;
  }
  hint.hidden = Boolean(me.invite);
  hint.textContent = me.invite ? '' : 'This peer listens on every address, so it does not know which one others '
      + 'reach: set peerlink.advertised-address (host:port) to get an invite link.';
}
