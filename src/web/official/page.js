// What the parts of the officials' console share: its elements (but the Reports tab's, which
// reports.js finds itself), and small helpers several views use.

import { $ } from '../shared/dom.js';
import { session, t } from '../shared/session.js';
import { SCAM_TYPES } from './strings.js';

const CHANNEL_NAMES = { zalo: 'Zalo', messenger: 'Messenger', botframework: 'Bot Framework' };

/** A channel as an official reads it: the platforms by their brand names, our own web chat in words. */
export function channelName(channel) {
  return channel === 'web' ? t('webName') : CHANNEL_NAMES[channel] ?? channel;
}

export const els = {};

export function findElements() {
  Object.assign(els, {
    who: $('who'),
    whoArea: $('who-area'),
    queueBadge: $('queue-badge'),
    queueBadgeWords: $('queue-badge-words'),
    compose: /** @type {HTMLFormElement} */ ($('compose')),
    draftBadge: $('draft-badge'),
    textVi: /** @type {HTMLTextAreaElement} */ ($('text-vi')),
    textEn: /** @type {HTMLTextAreaElement} */ ($('text-en')),
    countVi: $('count-vi'),
    countEn: $('count-en'),
    image: /** @type {HTMLInputElement} */ ($('image')),
    imageHint: $('image-hint'),
    imageError: $('image-error'),
    imagePreview: $('image-preview'),
    imageThumb: /** @type {HTMLImageElement} */ ($('image-thumb')),
    imageName: $('image-name'),
    scamTypeField: $('scam-type-field'),
    scamType: /** @type {HTMLSelectElement} */ ($('scam-type')),
    tryLessonField: $('try-lesson-field'),
    tryLessonSelect: /** @type {HTMLSelectElement} */ ($('try-lesson')),
    matchDomains: /** @type {HTMLInputElement} */ ($('match-domains')),
    matchPhrases: /** @type {HTMLInputElement} */ ($('match-phrases')),
    area: /** @type {HTMLSelectElement} */ ($('area')),
    areaCodeField: $('area-code-field'),
    areaCode: /** @type {HTMLInputElement} */ ($('area-code')),
    areaCodeHint: $('area-code-hint'),
    areaCodeResult: $('area-code-result'),
    progressFilter: /** @type {HTMLSelectElement} */ ($('progress-filter')),
    progressLessonField: $('progress-lesson-field'),
    progressLesson: /** @type {HTMLSelectElement} */ ($('progress-lesson')),
    locale: /** @type {HTMLSelectElement} */ ($('locale')),
    channel: /** @type {HTMLSelectElement} */ ($('channel')),
    estimate: $('estimate'),
    composeError: $('compose-error'),
    composeStatus: $('compose-status'),
    saveDraft: /** @type {HTMLButtonElement} */ ($('save-draft')),
    estimateBtn: /** @type {HTMLButtonElement} */ ($('estimate-btn')),
    send: /** @type {HTMLButtonElement} */ ($('send')),
    sendNobody: $('send-nobody'),
    previewZalo: $('preview-zalo'),
    previewMessenger: $('preview-messenger'),
    alerts: $('alerts'),
    alertsStatus: $('alerts-status'),
    queue: $('queue'),
    queueStatus: $('queue-status'),
    statsArea: /** @type {HTMLSelectElement} */ ($('stats-area')),
    statsStatus: $('stats-status'),
    stats: $('stats'),
    detail: $('detail'),
    detailTitle: $('detail-title'),
    detailStatus: $('detail-status'),
    detailNotice: $('detail-notice'),
    detailError: $('detail-error'),
    detailBody: $('detail-body'),
    detailActions: $('detail-actions'),
    progress: $('progress'),
    progressMode: $('progress-mode'),
    progressBar: $('progress-bar'),
    progressText: $('progress-text'),
    progressLegend: $('progress-legend'),
    results: $('results'),
    resultsList: $('results-list'),
    resultsShare: $('results-share'),
    audit: $('audit'),
  });
}

/** `{alert: {...}}` or the alert itself. */
export const unwrapAlert = (json) => json?.alert ?? json;

export function scamName(type) {
  return SCAM_TYPES[session.lang][type] ?? type;
}

/** Disable the button and say what it is doing while `work` runs. */
export async function busy(button, label, work) {
  button.disabled = true;
  button.dataset.busy = 'true';
  button.textContent = label;
  try {
    await work();
  } finally {
    delete button.dataset.busy;
    button.disabled = false;
    // In the page's language now (it may have been switched meanwhile).
    button.textContent = t(button.dataset.i18n);
  }
}
