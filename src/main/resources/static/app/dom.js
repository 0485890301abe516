// Small DOM and formatting helpers shared by the views. Every piece of data reaches the page through
// textContent or a property, never parsed as HTML, so a message can never become markup.

/**
 * Creates an element. `props` sets properties (className, type, hidden, ...), `dataset` entries via
 * `data`, ARIA and other attributes via `attrs`; children are nodes or strings (strings become text
 * nodes).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  const { data, attrs, ...rest } = props;
  Object.assign(el, rest);
  if (data) {
    Object.entries(data).forEach(([k, v]) => { el.dataset[k] = v; });
  }
  if (attrs) {
    Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function byId(id) {
  const el = document.getElementById(id);
  if (!el) {
    throw new Error(`#${id} is missing from index.html`);
  }
  return el;
}

/** Replaces every child of `el` with `children`. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

const encoder = new TextEncoder();

/** The UTF-8 length of a string: what peerlink.max-message-bytes counts. */
export function utf8Length(text) {
  return encoder.encode(text).length;
}

const number = new Intl.NumberFormat();
export function formatNumber(n) {
  return number.format(n);
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const yearDayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function time(iso) {
  return iso ? timeOfDay.format(new Date(iso)) : '';
}

export function dateTime(iso) {
  return iso ? fullTime.format(new Date(iso)) : '';
}

function startOfDay(d) {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** "Today", "Yesterday", "Monday 3 November", or with the year when it is not this year. */
export function dayLabel(iso) {
  const d = new Date(iso);
  const days = Math.round((startOfDay(new Date()) - startOfDay(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (d.getFullYear() === new Date().getFullYear()) return dayFormat.format(d);
  return yearDayFormat.format(d);
}

export function dayKey(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** "5 minutes ago", "yesterday", ... */
export function ago(iso) {
  if (!iso) return '';
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [7, 'day'], [4.35, 'week'], [12, 'month']];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return relative.format(Math.round(value), 'year');
}

/** A version 4 UUID from crypto.getRandomValues (randomUUID needs a secure context; this does not). */
export function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Copies text to the clipboard; falls back to a selected input where the Clipboard API is missing. */
export async function copyText(text, input) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the selection
    }
  }
  if (input) {
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
  return false;
}

let toastTimer;
/** A short notice at the bottom of the page, read out by screen readers. */
export function toast(text, kind = 'info') {
  const el = byId('toast');
  el.textContent = text;
  el.className = `toast show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.className = 'toast'; }, 3500);
}
