// The connect dialog: another peer's invite link, or its host, port and (optionally) fingerprint.
// POST /api/peers; every problem the peer reports is shown beside its field.

import { api, ApiError } from './api.js';
import { byId } from './dom.js';

const FIELDS = { invite: 'connect-invite', host: 'connect-host', port: 'connect-port', expectedFingerprint: 'connect-fingerprint' };

let connected = () => {};

export function init(onConnected) {
  connected = onConnected;
  const dialog = byId('connect-dialog');
  byId('open-connect').addEventListener('click', () => open());
  byId('connect-form').addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  // an invite pasted into the host field goes where it belongs
  byId('connect-host').addEventListener('input', (e) => {
    if (e.target.value.trim().startsWith('peerlink://')) {
      byId('connect-invite').value = e.target.value.trim();
      e.target.value = '';
      byId('connect-invite').focus();
    }
  });
  dialog.addEventListener('close', clearErrors);
}

export function open() {
  clearErrors();
  byId('connect-dialog').showModal();
  byId('connect-invite').focus();
}

function clearErrors() {
  Object.values(FIELDS).forEach((id) => {
    byId(id).removeAttribute('aria-invalid');
    byId(`${id}-error`).textContent = '';
  });
  byId('connect-error').textContent = '';
}

function showError(field, message) {
  const id = FIELDS[field];
  if (!id) {
    byId('connect-error').textContent = message;
    return;
  }
  byId(id).setAttribute('aria-invalid', 'true');
  byId(`${id}-error`).textContent = message;
}

function target() {
  const invite = byId('connect-invite').value.trim();
  if (invite) {
    return { invite };
  }
  const host = byId('connect-host').value.trim();
  const portText = byId('connect-port').value.trim();
  const fingerprint = byId('connect-fingerprint').value.trim();
  if (!host) {
    showError('invite', 'Paste their invite link, or give their host and port below.');
    return null;
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    showError('port', 'A port is a number from 1 to 65535.');
    return null;
  }
  const t = { host, port };
  if (fingerprint) t.expectedFingerprint = fingerprint;
  return t;
}

async function submit() {
  clearErrors();
  const t = target();
  if (!t) return;
  const button = byId('connect-submit');
  button.disabled = true;
  button.textContent = 'Connecting…';
  try {
    const { status, body } = await api.connect(t);
    byId('connect-form').reset();
    byId('connect-dialog').close();
    connected(body, status === 201);
  } catch (e) {
    if (!(e instanceof ApiError)) {
      showError(null, `This peer did not answer: ${e.message}`);
      return;
    }
    const fields = e.fieldErrors();
    const known = Object.keys(fields).filter((f) => FIELDS[f]);
    known.forEach((f) => showError(f, fields[f]));
    if (known.length === 0) {
      showError(null, explain(e));
    }
  } finally {
    button.disabled = false;
    button.textContent = 'Connect';
  }
}

function explain(e) {
  switch (e.code) {
    case 'fingerprint-mismatch':
      return `Someone else answered there: ${e.message}. Nothing was revealed to them.`;
    case 'key-changed':
      return `The key at that address changed: ${e.message}`;
    case 'self':
      return 'That address is this peer itself.';
    case 'unreachable':
      return `No peer answered there: ${e.message}`;
    default:
      return e.message;
  }
}
