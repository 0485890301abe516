// /api/events as a fetch() stream, parsed here as Server-Sent Events. EventSource cannot send an
// Authorization header, so the page reads the stream itself: it sends the bearer token, and after
// the stream drops it reconnects with Last-Event-ID, so every event arrives exactly once.

import { authHeaders, fetchWithToken } from './api.js';

const MIN_DELAY = 1000;
const MAX_DELAY = 15000;
/** The peer sends a comment every 15 s: this much silence means the stream is dead. */
const SILENCE_LIMIT = 40000;

/**
 * Follows the event stream from the first stored event. `onEvent(type, data, id)` gets each event
 * once, in order; `onState('connecting' | 'live' | 'reconnecting')` tells whether the stream is open.
 * Returns a function that stops following.
 */
export function followEvents({ onEvent, onState }) {
  let lastId = null;
  let stopped = false;
  let controller = null;

  function parse(block, state) {
    // one line of the stream (https://html.spec.whatwg.org/multipage/server-sent-events.html)
    if (block === '') {
      if (state.data.length > 0) {
        const data = state.data.join('\n');
        const type = state.type || 'message';
        state.data = [];
        state.type = '';
        let json;
        try {
          json = JSON.parse(data);
        } catch {
          json = data;
        }
        try {
          onEvent(type, json, state.id);
        } catch (e) {
          console.error('handling a', type, 'event failed:', e);
        }
      }
      if (state.id !== null) {
        lastId = state.id;
      }
      return;
    }
    if (block.startsWith(':')) {
      return;   // a comment: the opening line or a keep-alive
    }
    const colon = block.indexOf(':');
    const field = colon < 0 ? block : block.slice(0, colon);
    let value = colon < 0 ? '' : block.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') state.data.push(value);
    else if (field === 'event') state.type = value;
    else if (field === 'id' && !value.includes('\0')) state.id = value;
  }

  async function once() {
    controller = new AbortController();
    const headers = { Accept: 'text/event-stream', ...authHeaders() };
    if (lastId !== null) headers['Last-Event-ID'] = lastId;
    const url = lastId === null ? 'api/events?after=0' : 'api/events';
    const res = await fetchWithToken(url, { headers, cache: 'no-store', signal: controller.signal });
    if (!res.ok || !res.body) {
      throw new Error(`the event stream answered ${res.status}`);
    }
    onState('live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let watchdog = setTimeout(() => controller.abort(), SILENCE_LIMIT);
    const state = { data: [], type: '', id: lastId };
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => controller.abort(), SILENCE_LIMIT);
        buffer += value;
        const lines = buffer.split(/\r\n|\n|\r/);
        buffer = lines.pop();
        lines.forEach((line) => parse(line, state));
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  (async () => {
    let delay = MIN_DELAY;
    onState('connecting');
    while (!stopped) {
      const opened = Date.now();
      try {
        await once();
      } catch (e) {
        if (stopped) return;
        console.debug('event stream dropped:', e.message);
      }
      if (stopped) return;
      onState('reconnecting');
      // a stream that stayed open a while starts again at the shortest delay
      if (Date.now() - opened > 10000) delay = MIN_DELAY;
      await new Promise((resolve) => { setTimeout(resolve, delay); });
      delay = Math.min(delay * 2, MAX_DELAY);
    }
  })();

  return () => {
    stopped = true;
    controller?.abort();
  };
}
