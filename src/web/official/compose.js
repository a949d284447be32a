// The compose tab: the alert's text (vi, optionally en), "would you recognise it?" (a scam type to
// practise, or a lesson), the match fields the checker uses, and who gets it; saved as a draft,
// estimated, and sent (or sent for a second official's approval). Editing a draft fills it back in.

import { $ } from '../shared/dom.js';
import { num } from '../shared/format.js';
import { call, failure, say, sayShown, t } from '../shared/session.js';
import { forgetAlerts } from './alerts.js';
import { audienceKey, composeAudience, fillAudience, initAudience, onFilterChange, renderAreaCodeResult } from './audience.js';
import { limits } from './catalog.js';
import { openDetail } from './detail.js';
import { estimateFits, estimateTotal, headcount, lastEstimate, markStaleEstimate, nobodyToSend, renderEstimate, renderSendState, setEstimate } from './estimate.js';
import { busy, els, unwrapAlert } from './page.js';
import { clearPicture, onImageChange, onImageRemove, picture, showSavedPicture } from './picture.js';
import { schedulePreview, setPreviewLang } from './preview.js';
import { setTab } from './tabs.js';

/** The draft being composed: its id once saved, and the body last saved (to skip needless PATCHes). */
export let draft = { id: '', savedKey: '', from: '', imageSaved: false };

export function tryKind() {
  return /** @type {HTMLInputElement} */ (document.querySelector('input[name="try"]:checked'))?.value ?? 'none';
}

// ── The match fields: what the checker recognises as this scam when a resident checks a message ─

const splitList = (text) => [...new Set(text.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean))];

/** `{ match }` for the alert body (absent when both fields are empty), or `{ error, focus }` (say's words). */
function matchFromForm() {
  const domains = splitList(els.matchDomains.value);
  const phrases = splitList(els.matchPhrases.value);
  if (domains.length > 10 || phrases.length > 10 || phrases.some((p) => p.length > 60)) {
    return { error: 'matchTooMany', focus: domains.length > 10 ? els.matchDomains : els.matchPhrases };
  }
  return domains.length + phrases.length ? { match: { domains, phrases } } : {};
}

function fillMatch(match) {
  els.matchDomains.value = (match?.domains ?? []).join(', ');
  els.matchPhrases.value = (match?.phrases ?? []).join(', ');
}

// ── Saving, estimating, sending ─────────────────────────────────────────────────────────────

/** The request body for POST/PATCH /alerts from the form; `error` says what is missing (say's words). */
function composeBody() {
  const vi = els.textVi.value.trim();
  const en = els.textEn.value.trim();
  if (!vi) return { error: 'needText', focus: els.textVi };
  if (vi.length > limits.textMax || en.length > limits.textMax) return { error: 'tooLong', focus: vi.length > limits.textMax ? els.textVi : els.textEn };
  const body = { text: { vi, ...(en ? { en } : {}) } };
  const kind = tryKind();
  if (kind === 'scam') {
    if (!els.scamType.value) return { error: 'needScamType', focus: els.scamType };
    body.scamType = els.scamType.value;
  }
  if (kind === 'lesson') {
    if (!els.tryLessonSelect.value) return { error: 'needLesson', focus: els.tryLessonSelect };
    body.lessonId = els.tryLessonSelect.value;
  }
  const { audience, error, focus } = composeAudience();
  if (error) return { error, focus };
  body.audience = audience;
  const matched = matchFromForm();
  if (matched.error) return matched;
  if (matched.match) body.match = matched.match;
  return { body };
}

/** Save the draft (create it, or PATCH what changed) and return its id. */
async function saveDraft() {
  const { body, error, focus } = composeBody();
  if (error) {
    showComposeError(error);
    focus?.focus();
    return '';
  }
  const key = JSON.stringify(body);
  const withImage = picture?.base64 && !draft.imageSaved ? { ...body, image: picture.base64 } : body;
  if (!draft.id) {
    const created = unwrapAlert(await call('POST', '/alerts', withImage));
    draft.id = created.id;
    draft.from = created.fromName ?? created.from ?? draft.from;
  } else if (key !== draft.savedKey || withImage !== body) {
    // A PATCH keeps fields left out: say "none" for a "try this" that was taken off.
    const patch = { scamType: null, lessonId: null, match: null, ...withImage };
    const updated = unwrapAlert(await call('PATCH', `/alerts/${encodeURIComponent(draft.id)}`, patch));
    draft.from = updated?.fromName ?? updated?.from ?? draft.from;
  }
  draft.savedKey = key;
  if (picture) draft.imageSaved = true;
  renderDraftBadge();
  return draft.id;
}

async function onSaveDraft() {
  clearComposeMessages();
  await busy(els.saveDraft, t('saving'), async () => {
    try {
      if (await saveDraft()) say(els.composeStatus, 'saved');
    } catch (err) {
      if (!err.handled) showComposeError(failure('saveFailed', err));
    }
  });
}

/** Count the audience on the form (no draft needed: the text may not be written yet). */
async function onEstimate() {
  clearComposeMessages();
  const { audience, error, focus } = composeAudience();
  if (error) {
    showComposeError(error);
    focus?.focus();
    return;
  }
  await busy(els.estimateBtn, t('estimating'), async () => {
    try {
      setEstimate(await call('POST', '/alerts/estimate', { audience }), JSON.stringify(audience));
      renderEstimate();
      // The button sits in the bar pinned at the bottom, the result far down the form: bring it into view.
      els.estimate.scrollIntoView({ block: 'center' });
    } catch (err) {
      if (!err.handled) showComposeError(failure('estimateFailed', err));
    }
  });
}

async function onSend(e) {
  e.preventDefault();
  clearComposeMessages();
  // The estimate on show counted nobody for this audience: nothing to send (the note by the button says why).
  if (nobodyToSend()) {
    renderSendState();
    return;
  }
  await busy(els.send, t('sending'), async () => {
    try {
      const id = await saveDraft();
      if (!id) return;
      // Say how many it goes to before it goes: count again unless the estimate on show still fits.
      if (!estimateFits()) {
        setEstimate(await call('POST', `/alerts/${encodeURIComponent(id)}/estimate`), audienceKey());
        renderEstimate();
      }
      const total = estimateTotal(lastEstimate);
      // An alert to nobody, or to nobody reachable now, is not sent: the note by the button says what to change (the draft stays saved).
      if (nobodyToSend()) {
        renderSendState();
        return;
      }
      const h = headcount(lastEstimate);
      const question = h.notNow > 0 ? t('confirmSendSome')(h.count(h.reach), h.count(h.notNow)) : t('confirmSend')(h.count(h.reach));
      if (!window.confirm(question)) return;
      const submitted = unwrapAlert(await call('POST', `/alerts/${encodeURIComponent(id)}/submit`));
      const status = submitted?.status;
      const counted = submitted?.submittedAudience ?? total;
      const threshold = lastEstimate?.approvalThreshold ?? 0;
      const notice = status === 'pending_approval'
        ? () => t('submittedPending')(num(counted), num(threshold))
        : status === 'scheduled' ? 'submittedScheduled' : 'submittedSending';
      resetCompose();
      forgetAlerts();
      await openDetail(id, notice);
    } catch (err) {
      if (!err.handled) showComposeError(failure('sendFailed', err));
    }
  });
  renderSendState();
}

/** Say what stops the alert (say's words: a key of strings.js, or a function giving the text). */
export function showComposeError(words) {
  sayShown(els.composeError, words);
}

export function clearComposeMessages() {
  showComposeError(null);
  say(els.composeStatus, null);
}

// ── The form's state ────────────────────────────────────────────────────────────────────────

export function resetCompose() {
  draft = { id: '', savedKey: '', from: '', imageSaved: false };
  setEstimate(null, '');
  els.compose?.reset();
  els.areaCode && (els.areaCode.value = '');
  clearComposeMessages();
  renderAreaCodeResult();
  clearPicture();
  onTryChange();
  onFilterChange();
  renderDraftBadge();
  renderEstimate();
  renderCounters();
  schedulePreview();
}

/** Open a draft in the compose tab to edit it (from its page, or made from residents' reports). */
export function editDraft(a) {
  resetCompose();
  draft = { id: a.id, savedKey: '', from: a.fromName ?? '', imageSaved: Boolean(a.image ?? a.imageUrl) };
  els.textVi.value = a.text?.vi ?? '';
  els.textEn.value = a.text?.en ?? '';
  const kind = a.scamType ? 'scam' : a.lessonId ? 'lesson' : 'none';
  /** @type {HTMLInputElement} */ (document.querySelector(`input[name="try"][value="${kind}"]`)).checked = true;
  els.scamType.value = a.scamType ?? '';
  els.tryLessonSelect.value = a.lessonId ?? '';
  fillMatch(a.match);
  fillAudience(a.audience ?? {});
  if (draft.imageSaved) showSavedPicture(a);
  onTryChange();
  onFilterChange();
  renderDraftBadge();
  renderCounters();
  schedulePreview();
  setTab('compose');
  els.textVi.focus();
}

export function renderDraftBadge() {
  els.draftBadge.hidden = !draft.id;
  els.draftBadge.textContent = t('editingDraft');
}

export function renderCounters() {
  for (const [area, counter] of [[els.textVi, els.countVi], [els.textEn, els.countEn]]) {
    const n = area.value.trim().length;
    const over = n > limits.textMax;
    counter.textContent = over ? t('charsOver')(n, limits.textMax) : t('chars')(n, limits.textMax);
    counter.classList.toggle('over', over);
    area.setAttribute('aria-invalid', String(over));
  }
}

function onTryChange() {
  const kind = tryKind();
  els.scamTypeField.hidden = kind !== 'scam';
  els.tryLessonField.hidden = kind !== 'lesson';
}

function onComposeInput() {
  renderCounters();
  markStaleEstimate();
  schedulePreview();
}

export function initCompose() {
  for (const b of document.querySelectorAll('[data-preview-lang]')) b.addEventListener('click', () => setPreviewLang(b.dataset.previewLang));
  els.compose.addEventListener('submit', onSend);
  els.compose.addEventListener('input', onComposeInput);
  els.compose.addEventListener('change', onComposeInput);
  for (const r of document.querySelectorAll('input[name="try"]')) r.addEventListener('change', onTryChange);
  els.progressFilter.addEventListener('change', onFilterChange);
  els.image.addEventListener('change', () => void onImageChange());
  $('image-remove').addEventListener('click', () => void onImageRemove());
  els.saveDraft.addEventListener('click', () => void onSaveDraft());
  els.estimateBtn.addEventListener('click', () => void onEstimate());
  initAudience();
  onTryChange();
  onFilterChange();
}
