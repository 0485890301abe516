// Asks for the API token when the peer answers 401, and keeps it in sessionStorage (this tab only).

import { onTokenNeeded, setToken } from './api.js';
import { byId } from './dom.js';

/** The pending request's resolve function while the dialog waits for a token. */
let waiting = null;

export function init() {
  const dialog = byId('token-dialog');
  const input = byId('token-input');
  const error = byId('token-error');
  // without the token nothing works: the dialog stays until one is given
  dialog.addEventListener('cancel', (e) => e.preventDefault());
  dialog.addEventListener('close', () => {
    if (waiting) dialog.showModal();
  });
  byId('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) {
      error.textContent = 'Enter the token.';
      return;
    }
    setToken(value);
    const resolve = waiting;
    waiting = null;
    dialog.close();
    resolve?.();
  });
  onTokenNeeded((refused) => new Promise((resolve) => {
    waiting = resolve;
    error.textContent = refused ? 'That token was not accepted. Check it and try again.' : '';
    input.setAttribute('aria-invalid', String(refused));
    input.value = '';
    if (!dialog.open) dialog.showModal();
    input.focus();
  }));
}
