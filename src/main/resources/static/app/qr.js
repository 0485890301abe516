// The safety number's QR code from GET /api/peers/{id}/safety-number.svg. An <img> cannot send the
// bearer token, and a blob: URL is not 'self' under the page's Content-Security-Policy, so the SVG is
// fetched, and only its drawing elements and attributes are rebuilt in the page (no script, no
// event handler, no link, no style can come through).

import { api } from './api.js';
import { fill } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const ELEMENTS = new Set(['svg', 'g', 'rect', 'path', 'title', 'desc']);
const ATTRIBUTES = new Set(['viewBox', 'width', 'height', 'x', 'y', 'd', 'fill', 'stroke', 'stroke-width',
  'shape-rendering', 'transform', 'fill-rule', 'preserveAspectRatio']);

function copy(source) {
  const name = source.localName;
  if (source.namespaceURI !== SVG || !ELEMENTS.has(name)) return null;
  const el = document.createElementNS(SVG, name);
  for (const a of source.attributes) {
    if (ATTRIBUTES.has(a.name) && !/url\s*\(|:/i.test(a.value)) el.setAttribute(a.name, a.value);
  }
  if (name === 'title' || name === 'desc') {
    el.textContent = source.textContent;
    return el;
  }
  for (const child of source.children) {
    const c = copy(child);
    if (c) el.append(c);
  }
  return el;
}

/** Shows the QR code in `container`, or hides it when this peer serves none. */
export async function loadQr(peerId, container) {
  container.hidden = true;
  fill(container);
  let text;
  try {
    text = await api.safetyNumberSvg(peerId);
  } catch {
    return;
  }
  if (!text) return;
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  if (doc.querySelector('parsererror')) return;
  const svg = copy(doc.documentElement);
  if (!svg || svg.localName !== 'svg') return;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'QR code of the safety number');
  if (!svg.hasAttribute('viewBox') && svg.hasAttribute('width') && svg.hasAttribute('height')) {
    svg.setAttribute('viewBox', `0 0 ${parseFloat(svg.getAttribute('width'))} ${parseFloat(svg.getAttribute('height'))}`);
  }
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  fill(container, svg);
  container.hidden = false;
}
