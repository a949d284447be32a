// The alert as residents will get it, drawn as Zalo and Messenger show it: the reply the bot sends
// (src/engine/alerts.ts) is rendered by the server's own channel code (POST /channels/web/preview),
// so what the official sees is what the platforms receive.

import { el, fill } from '../shared/dom.js';
import { platformMessage } from '../shared/platform.js';
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
    const drawn = drawing();
    for (const [view, box] of [['zalo', els.previewZalo], ['messenger', els.previewMessenger]]) {
      const messages = json?.[view] ?? [];
      fill(box,
        el('p', { class: 'caption', text: t('previewMessages')(messages.length) }),
        el('div', { class: 'thread' }, messages.map((m) => platformMessage(view, m, drawn))),
      );
    }
  } catch (err) {
    if (seq !== previewSeq) return;
    for (const b of boxes) fill(b, el('p', { class: 'error', role: 'alert', text: `${t('previewError')}: ${errorText(err)}` }));
  }
}

/** Nothing to tap in a preview: the buttons are drawn, not sent. */
function drawing() {
  return { pictureAlt: t('picture'), button: (b, cls) => el('span', { class: cls, 'data-testid': 'pv-button', text: b.title }) };
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
