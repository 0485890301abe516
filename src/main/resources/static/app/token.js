// Asks for the API token when the peer answers 401, and keeps it in sessionStorage (this tab only).

import { onTokenNeeded, setToken } from './api.js';
import { byId } from './dom.js';

export function init() {
  const dialog = byId('token-dialog');
  // without the token nothing works: Escape does not close this dialog
  dialog.addEventListener('cancel', (e) => e.preventDefault());
  onTokenNeeded((refused) => new Promise((resolve) => {
    const input = byId('token-input');
    const error = byId('token-error');
    error.textContent = refused ? 'That token was not accepted. Check it and try again.' : '';
    input.setAttribute('aria-invalid', String(refused));
    input.value = '';
    const form = byId('token-form');
    const submit = (e) => {
      e.preventDefault();
      const value = input.value.trim();
      if (!value) {
        error.textContent = 'Enter the token.';
        return;
      }
      form.removeEventListener('submit', submit);
      setToken(value);
      dialog.close();
      resolve();
    };
    form.addEventListener('submit', submit);
    if (!dialog.open) dialog.showModal();
    input.focus();
  }));
}
