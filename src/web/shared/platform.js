// A message as Zalo or Messenger shows it, drawn from the payload the server's own channel code built
// (POST /channels/web/preview), for the simulator's "View as" and the console's preview of an alert.
// Only the buttons differ: the simulator's send their payload when tapped, the console's are inert,
// so each page makes its own.

import { el } from './dom.js';

/**
 * @typedef {object} Drawing
 * @property {string} pictureAlt the pictures' alt text, in the page's language
 * @property {(b: { title: string, payload: string }, cls: string) => HTMLElement} button a button or quick reply, with its class
 */

/** One message of `view`'s payloads (`json.zalo` or `json.messenger`). */
export function platformMessage(/** @type {'zalo' | 'messenger'} */ view, m, /** @type {Drawing} */ drawing) {
  return view === 'zalo' ? zaloMessage(m, drawing) : messengerMessage(m, drawing);
}

function messengerMessage(m, { pictureAlt, button }) {
  const wrap = el('div', { class: 'pm msgr', 'data-testid': 'pm' });
  const att = m.attachment;
  if (att?.type === 'image') {
    wrap.append(el('img', { class: 'pm-img', src: att.payload.url, alt: pictureAlt }));
  } else if (att?.type === 'template' && att.payload.template_type === 'button') {
    wrap.append(
      el('div', { class: 'mcard' },
        el('div', { class: 'mcard-text', text: att.payload.text }),
        att.payload.buttons.map((b) => button(b, 'mcard-btn'))),
    );
  } else if (typeof m.text === 'string') {
    wrap.append(el('div', { class: 'pm-bubble', text: m.text }));
  }
  if (m.quick_replies?.length) {
    wrap.append(el('div', { class: 'pills' }, m.quick_replies.map((q) => button(q, 'pill'))));
  }
  return wrap;
}

/** Zalo puts the picture, the text and the buttons in one card. */
function zaloMessage(m, { pictureAlt, button }) {
  const card = el('div', { class: 'pm-bubble' });
  const att = m.attachment;
  if (att?.payload?.template_type === 'media') {
    for (const e of att.payload.elements) card.append(el('img', { class: 'pm-img', src: e.url, alt: pictureAlt }));
  }
  if (typeof m.text === 'string') card.append(el('div', { class: 'pm-text', text: m.text }));
  if (att?.payload?.buttons) {
    card.append(el('div', { class: 'zbtns' }, att.payload.buttons.map((b) => button(b, 'zbtn'))));
  }
  return el('div', { class: 'pm zalo', 'data-testid': 'pm' }, card);
}
