// The web chat's log, drawn incrementally: what is already on screen stays (a focused bubble keeps
// its focus, a picture is not loaded again), new entries are appended, what left the conversation
// (a failed send's bubble, a started-over chat) is removed. Only a change of language redraws it all.
//
// The log is not a live region: a screen reader would read out every bubble, chip and typing dot
// added to it. What the bot says is announced instead, once, in a visually hidden polite region
// (`announce`), or read as the focus moves to it after a chip (`focusAnswer`).

import { el } from '/shared/dom.js';

/**
 * @typedef {{from: 'bot', reply: any} | {from: 'user', text: string}} Entry
 * @typedef {{kind: 'typing'} | {kind: 'error', detail?: string, kept: boolean, message: any}} Transient
 * @typedef {object} ChatContext
 * @property {HTMLElement} log
 * @property {HTMLElement} live the visually hidden region that announces the bot's answers
 * @property {(key: string) => any} t the page's strings, in its language
 * @property {(choice: {payload: string, label: string}) => void} tap a chip was tapped
 * @property {(message: any) => void} retry "Send again" in an error bubble: the same message once more
 * @property {(url: string) => void} openPicture
 */

/** @type {ChatContext} */
let ctx;
/** One element per entry on screen, in order, with the entry it draws (to notice a change). */
let drawn = [];
/** The chips offered under the last bot reply: that entry, and their group. */
let chips = null;
/** The transient bubbles after the conversation (typing dots, an error): their item and element. */
let extras = [];
let drawnLang;

export function setupChat(/** @type {ChatContext} */ context) {
  ctx = context;
}

/** Lesson pictures (`/media/…`) are all square (800×800, quiz cards 720×720); alert pictures are not. */
function isLessonPicture(url) {
  try {
    return new URL(url, location.href).pathname.startsWith('/media/');
  } catch {
    return false;
  }
}

function picture(url) {
  const { t } = ctx;
  // A lesson picture's room is kept before it arrives (the width and height give its shape; the
  // CSS its size), so the text under it does not jump on a slow line.
  const square = isLessonPicture(url) ? 800 : null;
  const img = el('img', { src: url, alt: t('picture'), width: square, height: square, loading: 'lazy', decoding: 'async' });
  // A picture grows its bubble once loaded (an alert's): keep the answer's start where the resident reads.
  img.addEventListener('load', () => scrollToLatest(), { once: true });
  return el('button', { type: 'button', class: 'pic', 'aria-label': `${t('picture')} — ${t('openPicture')}`, onclick: () => ctx.openPicture(url) }, img);
}

function botBubble(reply) {
  return el(
    'div',
    { class: 'bubble bot', 'data-testid': 'bot-bubble' },
    reply.imageUrl ? picture(reply.imageUrl) : null,
    reply.text ? el('div', { class: 'text', text: reply.text }) : null,
    reply.link ? el('a', { class: 'link', href: reply.link.url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'link', text: `👉 ${reply.link.label}` }) : null,
  );
}

function chipGroup(choices, busy) {
  return el(
    'div',
    { class: 'chips', role: 'group', 'aria-label': ctx.t('choices') },
    choices.map((c) =>
      el('button', {
        type: 'button',
        class: 'chip',
        'data-testid': 'choice',
        'data-payload': c.payload,
        text: c.label,
        disabled: busy,
        onclick: () => ctx.tap({ payload: c.payload, label: c.label }),
      }),
    ),
  );
}

function transientBubble(/** @type {Transient} */ item) {
  const { t } = ctx;
  if (item.kind === 'typing') {
    return el('div', { class: 'bubble bot typing', role: 'status' },
      el('span', { class: 'visually-hidden', text: t('typing') }),
      el('span', { class: 'dot', 'aria-hidden': 'true' }), el('span', { class: 'dot', 'aria-hidden': 'true' }), el('span', { class: 'dot', 'aria-hidden': 'true' }));
  }
  return el('div', { class: 'bubble error', role: 'alert', 'data-testid': 'error-bubble' },
    el('div', { text: item.detail ? `${t('serverError')}: ${item.detail}` : t('networkError') }),
    item.kept ? el('div', { class: 'hint', 'data-testid': 'kept-hint', text: t('keptText') }) : null,
    el('button', { type: 'button', class: 'retry', 'data-testid': 'retry', text: t('retry'), onclick: () => ctx.retry(item.message) }));
}

/**
 * Bring the log up to date with the conversation: `entries` (the last bot reply's chips offered
 * when the resident has not answered it), then the `transient` bubbles; `readFrom` marks the first
 * reply of the newest answer (`data-first-new`), where the chat scrolls to.
 * @param {{ entries: Entry[], readFrom: number, transient: Transient[], busy: boolean, lang: string }} state
 */
export function render({ entries, readFrom, transient, busy, lang }) {
  const { log } = ctx;
  if (lang !== drawnLang) {
    log.replaceChildren();
    drawn = [];
    chips = null;
    extras = [];
    drawnLang = lang;
  }
  let same = 0;
  while (same < drawn.length && same < entries.length && drawn[same].entry === entries[same]) same++;
  for (const gone of drawn.splice(same)) gone.el.remove();

  const last = entries.at(-1);
  const offer = last?.from === 'bot' && last.reply.choices?.length ? last : null;
  if (chips && chips.entry !== offer) {
    chips.el.remove();
    chips = null;
  }
  // Unchanged transients stay as they are: an error is not announced again when a poll adds a message.
  const keep = extras.length === transient.length && extras.every((x, i) => x.item === transient[i]);
  if (!keep) {
    for (const x of extras) x.el.remove();
    extras = [];
  }

  const before = chips?.el ?? extras[0]?.el ?? null;
  for (const entry of entries.slice(drawn.length)) {
    const node = entry.from === 'user' ? el('div', { class: 'bubble user', 'data-testid': 'user-bubble', text: entry.text }) : botBubble(entry.reply);
    log.insertBefore(node, before);
    drawn.push({ entry, el: node });
  }
  if (offer && !chips) {
    chips = { entry: offer, el: chipGroup(offer.reply.choices, busy) };
    log.insertBefore(chips.el, extras[0]?.el ?? null);
  }
  if (!keep) {
    for (const item of transient) {
      const node = transientBubble(item);
      log.append(node);
      extras.push({ item, el: node });
    }
  }

  for (const node of log.querySelectorAll('[data-first-new]')) node.removeAttribute('data-first-new');
  if (readFrom >= 0 && drawn[readFrom]) drawn[readFrom].el.dataset.firstNew = 'true';
  scrollToLatest();
}

/** Room left above the answer's first reply, so the resident's own message just shows above it. */
const READ_MARGIN = 12;

/**
 * Show the newest part of the chat: the whole of the bot's latest answer when it fits on the
 * screen; otherwise its first reply at the top, to be read downwards (the resident scrolls on).
 * While waiting, or after an error, the end (the typing dots, the error).
 */
export function scrollToLatest() {
  const { log } = ctx;
  const first = extras.length ? null : log.querySelector('[data-first-new]');
  if (!first) {
    log.scrollTop = log.scrollHeight;
    return;
  }
  const top = log.scrollTop + first.getBoundingClientRect().top - log.getBoundingClientRect().top - READ_MARGIN;
  const fits = log.scrollHeight - top <= log.clientHeight;
  log.scrollTop = fits ? log.scrollHeight : top;
}

/** What the bot just said, for a screen reader to read once: each reply's text and link. */
export function announce(replies) {
  ctx.live.textContent = replies
    .map((r) => [r.text, r.link ? `👉 ${r.link.label}` : ''].filter(Boolean).join('\n'))
    .filter(Boolean)
    .join('\n');
}

/** Focus a bubble without scrolling (the chat scrolls where the resident reads). */
function focusQuietly(node) {
  node.tabIndex = -1;
  node.focus({ preventScroll: true });
}

/** A chip was tapped and went away with its group: the focus goes to the resident's answer. */
export function focusOwnAnswer() {
  const mine = drawn.at(-1);
  if (mine?.entry.from === 'user') focusQuietly(mine.el);
}

/**
 * After a chip's answer arrives: the focus moves on to it (the first new reply, or the error's
 * "Send again") unless the resident has gone elsewhere meanwhile. Says whether it moved.
 */
export function focusAnswer() {
  const at = document.activeElement;
  if (at && at !== document.body && !ctx.log.contains(at)) return false;
  const target = extras.find((x) => x.item.kind === 'error')?.el.querySelector('button') ?? ctx.log.querySelector('[data-first-new]');
  if (!target) return false;
  if (target.tagName === 'BUTTON') target.focus({ preventScroll: true });
  else focusQuietly(target);
  return true;
}
