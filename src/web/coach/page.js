// What the parts of the coach page share: its elements, how long a call may take, and how a
// moment is said inside a sentence.

import { $ } from '../shared/dom.js';
import { relative } from '../shared/format.js';
import { t } from '../shared/session.js';

/**
 * How long a call may take before the page gives up and says the server cannot be reached: on a
 * weak signal a request can hang for minutes, leaving "Creating…" on a disabled button. Creating
 * again after that is safe (the same idempotency key answers the same link).
 */
export const CALL_TIMEOUT_MS = 20_000;

export const els = {};

export function findElements() {
  Object.assign(els, {
    who: $('who'),
    whoArea: $('who-area'),
    form: /** @type {HTMLFormElement} */ ($('new-link')),
    lessons: $('lessons'),
    note: /** @type {HTMLInputElement} */ ($('note')),
    address: /** @type {HTMLSelectElement} */ ($('address')),
    expires: /** @type {HTMLSelectElement} */ ($('expires')),
    create: /** @type {HTMLButtonElement} */ ($('create')),
    createError: $('create-error'),
    result: $('result'),
    resultLesson: $('result-lesson'),
    resultCode: $('result-code'),
    resultQr: /** @type {HTMLImageElement} */ ($('result-qr')),
    resultQrMissing: $('result-qr-missing'),
    resultUrl: /** @type {HTMLInputElement} */ ($('result-url')),
    share: $('share'),
    copied: $('copied'),
    zaloInstruction: $('zalo-instruction'),
    links: $('links'),
    linksStatus: $('links-status'),
    linksError: $('links-error'),
    linksStale: $('links-stale'),
    reloadLinks: /** @type {HTMLButtonElement} */ ($('reload-links')),
    residents: $('residents'),
    residentsStatus: $('residents-status'),
    residentsError: $('residents-error'),
    residentsStale: $('residents-stale'),
    reloadResidents: /** @type {HTMLButtonElement} */ ($('reload-residents')),
    ripple: $('ripple'),
    notFollowing: $('not-following'),
  });
}

/**
 * A moment inside a sentence: "tạo 2 ngày trước", and within a minute words of its own ("vừa tạo",
 * the `<key>JustNow` string), since "tạo vừa xong" and "Hoạt động vừa xong" read wrongly.
 */
export function when(key, date) {
  const ms = new Date(date).getTime() - Date.now();
  return Math.abs(ms) < 60_000 ? t(`${key}JustNow`) : t(key)(relative(date));
}
