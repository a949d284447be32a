// The QR codes of the coach's links, kept in this page's memory once fetched, so that "Show QR code"
// at a door with no signal still shows one: the coach loads "My links" at home, and the page fetches
// the QR codes of the links that still work in the background, two at a time, newest first (about
// 2 kB each, a third of that compressed; the server lets the browser keep them until the link
// ends, so loading the list again costs nothing). A new link's QR code comes inside the answer that
// made it. Forgotten at sign-out, like everything else the coach saw.

import { session } from '../shared/session.js';
import { CALL_TIMEOUT_MS } from './page.js';

/** At most this many fetches at once: the rest of the page (creating a link) must not wait behind them. */
const AT_ONCE = 2;

/** code → a blob: URL of its QR code's SVG. */
const kept = new Map();
/** Codes waiting to be fetched, the next first; `fetching`: those under way. */
let waiting = [];
const fetching = new Set();
/** Codes whose link no longer works (404/410): not asked for again. */
const gone = new Set();
/** Codes whose last fetch failed (no signal, no answer in time, an answer that was not a QR code). */
const failed = new Set();
let changed = () => {};

/** `onChange(code)` is called when a code's QR code arrives or cannot be fetched. */
export function initQrs(onChange) {
  changed = onChange;
}

/** The QR code to show for `code`: `{ src }` once kept, else why not: `loading`, `failed` or `gone`. */
export function qrFor(code) {
  const src = kept.get(code);
  if (src) return { src };
  if (gone.has(code)) return { state: 'gone' };
  if (failed.has(code) && !fetching.has(code)) return { state: 'failed' };
  return { state: 'loading' };
}

/**
 * Fetch the QR codes of `codes` not kept yet, in the background. `first`: the code on show now
 * (tapped "Show QR code" before its turn) goes before the others.
 */
export function keepQrs(codes, { first = false } = {}) {
  const wanted = codes.filter((c) => !kept.has(c) && !gone.has(c) && !fetching.has(c));
  waiting = first ? [...wanted, ...waiting.filter((c) => !wanted.includes(c))] : [...waiting, ...wanted.filter((c) => !waiting.includes(c))];
  pump();
}

/** A new link's QR code, from the answer that made it (the API's `qr.inlineSvg`). */
export function keepQrSvg(code, svg) {
  if (kept.has(code) || typeof svg !== 'string' || !svg.trimStart().startsWith('<svg')) return;
  keep(code, new Blob([svg], { type: 'image/svg+xml' }));
}

/** Back online: fetch what failed. */
export function retryQrs() {
  keepQrs([...failed]);
}

/** A link revoked: its QR code is not shown again. */
export function dropQr(code) {
  const src = kept.get(code);
  if (src) URL.revokeObjectURL(src);
  kept.delete(code);
  waiting = waiting.filter((c) => c !== code);
  gone.add(code);
}

/** Sign-out: nothing of the last coach's links stays, and their fetches still under way are dropped. */
export function forgetQrs() {
  for (const src of kept.values()) URL.revokeObjectURL(src);
  kept.clear();
  waiting = [];
  fetching.clear();
  gone.clear();
  failed.clear();
}

function keep(code, blob) {
  kept.set(code, URL.createObjectURL(blob));
  failed.delete(code);
  changed(code);
}

function pump() {
  while (fetching.size < AT_ONCE && waiting.length) {
    const code = waiting.shift();
    fetching.add(code);
    void fetchQr(code);
  }
}

/**
 * One QR code from its own address on this server (the page's origin, whatever PUBLIC_BASE_URL says).
 * Only an SVG counts: a Wi-Fi login page answering 200 with HTML is not kept. After a failure the
 * others wait for the next list, "Show QR code" or the phone back online, rather than each failing
 * in turn on a dead line.
 */
async function fetchQr(code) {
  // A fetch answered after sign-out (session.epoch moved on) belongs to the last coach: dropped.
  const mine = session.epoch;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), CALL_TIMEOUT_MS);
  let outcome = 'failed';
  let blob = null;
  try {
    const res = await fetch(`/l/${encodeURIComponent(code)}/qr.svg`, { signal: abort.signal });
    if (res.status === 404 || res.status === 410) outcome = 'gone';
    else if (res.ok && /^image\/svg\+xml\b/.test(res.headers.get('content-type') ?? '')) {
      blob = await res.blob();
      outcome = 'kept';
    }
  } catch {
    // No signal, or no answer in time: failed.
  } finally {
    clearTimeout(timer);
  }
  if (mine !== session.epoch) return;
  fetching.delete(code);
  if (outcome === 'failed') {
    for (const c of [code, ...waiting.splice(0)]) {
      failed.add(c);
      changed(c);
    }
    return;
  }
  if (outcome === 'kept') keep(code, blob);
  else {
    gone.add(code);
    changed(code);
  }
  pump();
}
