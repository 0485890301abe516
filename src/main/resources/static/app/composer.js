// The box to type in: Enter sends, Shift+Enter starts a new line, and the UTF-8 byte count stands
// beside it with the peer's limit, so a text that is too long is seen before it is sent.

import { byId, formatNumber, utf8Length } from './dom.js';

let maxBytes = 65536;
let send = () => {};

export function init(onSend) {
  send = onSend;
  const text = byId('composer-text');
  byId('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      submit();
    }
  });
  text.addEventListener('input', update);
  update();
}

export function setLimit(bytes) {
  maxBytes = bytes;
  update();
}

export function focus() {
  byId('composer-text').focus();
}

function update() {
  const text = byId('composer-text').value;
  const bytes = utf8Length(text);
  const counter = byId('byte-count');
  counter.textContent = `${formatNumber(bytes)} / ${formatNumber(maxBytes)} bytes`;
  counter.dataset.bytes = String(bytes);
  counter.classList.toggle('near', bytes > maxBytes * 0.9 && bytes <= maxBytes);
  counter.classList.toggle('over', bytes > maxBytes);
  const over = bytes > maxBytes;
  byId('composer-hint').textContent = over
    ? `${formatNumber(bytes - maxBytes)} bytes too long for this peer`
    : 'Enter sends · Shift+Enter new line';
  byId('composer-hint').classList.toggle('over', over);
  byId('send').disabled = over || text.trim() === '';
  byId('composer-text').setAttribute('aria-invalid', String(over));
}

function submit() {
  const box = byId('composer-text');
  const text = box.value;
  if (text.trim() === '' || utf8Length(text) > maxBytes) {
    return;
  }
  box.value = '';
  update();
  send(text);
}
