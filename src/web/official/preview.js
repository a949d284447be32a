// The alert as residents will get it, drawn as Zalo and Messenger show it: the reply the bot sends
// (src/engine/alerts.ts) is rendered by the server's own channel code (POST /channels/web/preview),
// so what the official sees is what the platforms receive.

import { el, fill } from '../shared/dom.js';
import { api, errorText, session, t } from '../shared/session.js';
import { lessons } from './catalog.js';
import { draft, tryKind } from './compose.js';
import { els } from './page.js';
import { picture } from './picture.js';
import { BOT } from './strings.js';

const PREVIEW_URL = '/channels/web/preview';
const PREVIEW_DELAY_MS = 300;

let previewLang = 'vi';
let previewTimer = 0;
let previewSeq = 0;

/** Who residents read the alert is from: the server's wording once the draft exists, else the same rule ("UBND <area>"). */
function fromName() {
  if (draft.from) return draft.from;
  const area = session.me?.areaName?.split(', ')[0]?.trim();
  return area ? `UBND ${area}` : t('fromFallback');
}

/** The reply the bot sends a resident (src/engine/alerts.ts), in one language. */
function alertReply(locale) {
  const vi = els.textVi.value.trim();
  const text = locale === 'en' ? els.textEn.value.trim() || vi : vi;
  if (!text) return null;
  const words = BOT[locale];
  const kind = tryKind();
  const choices = [];
  if (kind === 'scam' && els.scamType.value) choices.push({ payload: `t:${els.scamType.value}`, label: words.tryButton });
  if (kind === 'lesson' && els.tryLessonSelect.value) {
    const l = lessons.find((x) => x.id === els.tryLessonSelect.value);
    if (l) choices.push({ payload: `l:${l.id}`, label: l.title[locale] ?? l.title.vi });
  }
  const lines = [words.header(fromName()), text];
  if (choices.length) lines.push(kind === 'scam' ? words.tryLine : words.lessonLine);
  choices.push({ payload: 'c:menu', label: words.menu });
  return { text: lines.join('\n\n'), ...(picture ? { imageUrl: picture.url } : {}), choices };
}

/** Typing redraws the preview once the official pauses, not at every key. */
export function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => void renderPreview(), PREVIEW_DELAY_MS);
}

async function renderPreview() {
  const seq = ++previewSeq;
  const reply = alertReply(previewLang);
  const boxes = [els.previewZalo, els.previewMessenger];
  if (!reply) {
    for (const b of boxes) fill(b, el('p', { class: 'caption', text: t('previewEmpty') }));
    return;
  }
  try {
    const json = await api('POST', PREVIEW_URL, { replies: [reply] }, { auth: false, url: PREVIEW_URL });
    if (seq !== previewSeq) return;
    const zalo = json?.zalo ?? [];
    const messenger = json?.messenger ?? [];
    fill(els.previewZalo,
      el('p', { class: 'caption', text: t('previewMessages')(zalo.length) }),
      el('div', { class: 'thread' }, zalo.map(zaloMessage)),
    );
    fill(els.previewMessenger,
      el('p', { class: 'caption', text: t('previewMessages')(messenger.length) }),
      el('div', { class: 'thread' }, messenger.map(messengerMessage)),
    );
  } catch (err) {
    if (seq !== previewSeq) return;
    for (const b of boxes) fill(b, el('p', { class: 'error', role: 'alert', text: `${t('previewError')}: ${errorText(err)}` }));
  }
}

/** Drawn like the simulator's "View as", but inert: nothing to tap in a preview. */
function messengerMessage(m) {
  const wrap = el('div', { class: 'pm msgr', 'data-testid': 'pm' });
  const att = m.attachment;
  if (att?.type === 'image') {
    wrap.append(el('img', { class: 'pm-img', src: att.payload.url, alt: t('picture') }));
  } else if (att?.type === 'template' && att.payload.template_type === 'button') {
    wrap.append(
      el('div', { class: 'mcard' },
        el('div', { class: 'mcard-text', text: att.payload.text }),
        att.payload.buttons.map((b) => el('span', { class: 'mcard-btn', 'data-testid': 'pv-button', text: b.title }))),
    );
  } else if (typeof m.text === 'string') {
    wrap.append(el('div', { class: 'pm-bubble', text: m.text }));
  }
  if (m.quick_replies?.length) {
    wrap.append(el('div', { class: 'pills' }, m.quick_replies.map((q) => el('span', { class: 'pill', 'data-testid': 'pv-button', text: q.title }))));
  }
  return wrap;
}

function zaloMessage(m) {
  const card = el('div', { class: 'pm-bubble' });
  const att = m.attachment;
  if (att?.payload?.template_type === 'media') {
    for (const e of att.payload.elements) card.append(el('img', { class: 'pm-img', src: e.url, alt: t('picture') }));
  }
  if (typeof m.text === 'string') card.append(el('div', { class: 'pm-text', text: m.text }));
  if (att?.payload?.buttons) {
    card.append(el('div', { class: 'zbtns' }, att.payload.buttons.map((b) => el('span', { class: 'zbtn', 'data-testid': 'pv-button', text: b.title }))));
  }
  return el('div', { class: 'pm zalo', 'data-testid': 'pm' }, card);
}

/** Signed out: no preview of the last official's alert, not even one on its way. */
export function forgetPreview() {
  clearTimeout(previewTimer);
  previewSeq += 1;
  fill(els.previewZalo);
  fill(els.previewMessenger);
}

export function setPreviewLang(l) {
  previewLang = l;
  for (const b of document.querySelectorAll('[data-preview-lang]')) b.setAttribute('aria-pressed', String(b.dataset.previewLang === l));
  schedulePreview();
}
