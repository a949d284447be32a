// Who gets an alert: the official's area (or a district or commune inside it, chosen by name or
// typed by its code), residents who did or did not finish a lesson, a language, a channel; read from
// the compose form, written back into it when a draft is edited, and said in words on the lists and
// the alert's page.

import { el, fill } from '../shared/dom.js';
import { say, session, t } from '../shared/session.js';
import { lessonTitle } from './catalog.js';
import { channelName, els } from './page.js';

/**
 * Areas the official may target, `{ ref, name, kind }`: their own area first (`kind: 'own'`), then
 * the districts and communes inside it, in the area list's order (GET /me's `areas`).
 */
export let areaChoices = [];

/** `{province, district?, commune?}` → `01`, `01/026`, `01//00004`, `02/026/00715` (the audience sets' paths). */
export function areaKey(ref) {
  if (!ref) return '';
  if (ref.commune) return `${ref.province}/${ref.district ?? ''}/${ref.commune}`;
  if (ref.district) return `${ref.province}/${ref.district}`;
  return ref.province;
}

/** The same area written as admins type it: `01/00004`. */
export function areaCodes(ref) {
  return codesOf(ref).join('/');
}

const codesOf = (ref) => [ref.province, ref.district, ref.commune].filter(Boolean);

/**
 * The areas an official may target: their own, and (for an official of a province or district) the
 * districts and communes inside it, offered by name under "Area" and found by their code in the
 * code box: `00715`, `026/00715` or `02/026/00715` for a commune of a province that still has
 * districts, `026` for a whole district, `00004` or `01/00004` where communes are directly under
 * the province.
 */
export function loadAreas() {
  const me = session.me;
  const within = session.areas.map((a) => ({ ref: a.area, name: a.name, kind: a.kind }));
  areaChoices = [{ ref: me.area, name: me.areaName ?? areaCodes(me.area), kind: 'own' }, ...within];
  els.areaCodeField.hidden = Boolean(me.area.commune);
  els.areaCode.value = '';
  renderAreaCodeHint();
  renderAreaCodeResult();
  renderAreaSelects();
}

/** Signed out: nothing of the last official's area stays on the form. */
export function forgetAreas() {
  areaChoices = [];
  for (const select of [els.area, els.statsArea]) fill(select);
  els.areaCode.value = '';
  say(els.areaCodeHint, null);
  say(els.areaCodeResult, null);
}

/** An example code from the official's own area, of each kind they may type. */
export function renderAreaCodeHint() {
  const me = session.me;
  if (!me) return;
  const example = areaChoices.find((c) => c.kind === 'commune');
  if (!example) {
    say(els.areaCodeHint, 'areaCodeHintNoList');
    return;
  }
  const { district, commune } = example.ref;
  if (district && !me.area.district) say(els.areaCodeHint, () => t('areaCodeHintDistrict')(commune, `${district}/${commune}`, district, example.name));
  else say(els.areaCodeHint, () => t('areaCodeHint')(commune, example.name));
}

/** "Xã Lũng Cú, Huyện Đồng Văn": a commune with its district, as the official would say it. */
function placeName(choice) {
  const district = choice.kind === 'commune' && choice.ref.district && !session.me?.area.district
    ? areaChoices.find((c) => c.kind === 'district' && c.ref.district === choice.ref.district)
    : null;
  return [choice.name, district?.name].filter(Boolean).join(', ');
}

function optionLabel(choice) {
  if (choice.kind === 'own') return t('areaWhole')(choice.name);
  if (choice.kind === 'district') return t('areaDistrictWhole')(t('areaWithCode')(choice.name, choice.ref.district));
  return t('areaWithCode')(choice.name, choice.ref.commune);
}

/** The official's area, then each district (with its communes under it) and commune, by name and code. */
export function renderAreaSelects() {
  for (const select of [els.area, els.statsArea]) {
    const current = select.value;
    const option = (c) => el('option', { value: areaKey(c.ref), text: optionLabel(c) });
    const parts = [];
    let group = null;
    for (const c of areaChoices) {
      if (c.kind === 'district') {
        group = el('optgroup', { label: t('areaWithCode')(c.name, c.ref.district), 'data-district': c.ref.district }, option(c));
        parts.push(group);
      } else if (group && c.kind === 'commune' && c.ref.district === group.dataset.district) {
        group.append(option(c));
      } else {
        group = null;
        parts.push(option(c));
      }
    }
    fill(select, ...parts);
    if (current && areaChoices.some((a) => areaKey(a.ref) === current)) select.value = current;
    // One area only (a commune official): shown, nothing to choose.
    select.disabled = areaChoices.length < 2;
  }
}

const clean = (ref) => Object.fromEntries(Object.entries(ref).filter(([, v]) => v !== undefined && v !== null && v !== ''));

/**
 * The code typed in the code box, as one of the areas the official may target: `{ choice }`;
 * `{ error }` (say's words) when it is not a code or not in their area; `null` when the box is
 * empty. Codes are matched from the end, so a commune's code alone is enough even where the
 * province has districts (commune codes are unique within a province); a district's code, or the
 * province's, means all of it. Spaces, dots and dashes may stand for the slash (a phone's number pad).
 */
export function typedArea() {
  if (els.areaCodeField.hidden) return null;
  const text = els.areaCode.value.trim();
  if (!text) return null;
  const parts = text.split(/[\s/.,-]+/).filter(Boolean);
  if (!parts.length || parts.length > 3 || parts.some((p) => !/^[0-9]{2,5}$/.test(p))) return { error: 'areaCodeBad' };
  const matches = areaChoices.filter((c) => {
    const codes = codesOf(c.ref);
    return codes.length >= parts.length && parts.every((p, i) => codes[codes.length - parts.length + i] === p);
  });
  if (matches.length === 1) return { choice: matches[0] };
  if (matches.length > 1) return { error: () => t('areaCodeAmbiguous')(text, codesOf(matches[0].ref).slice(1).join('/')) };
  return { error: () => t('areaCodeUnknown')(text) };
}

/** Under the code box: which place the code is, or why it is none; the "Area" choice follows it. */
export function renderAreaCodeResult() {
  const typed = typedArea();
  els.areaCodeResult.classList.toggle('bad', Boolean(typed?.error));
  els.areaCode.setAttribute('aria-invalid', String(Boolean(typed?.error)));
  if (!typed) say(els.areaCodeResult, null);
  else if (typed.error) say(els.areaCodeResult, typed.error);
  else {
    const { choice } = typed;
    els.area.value = areaKey(choice.ref);
    say(els.areaCodeResult, () => t('areaCodeFound')(choice.kind === 'own' ? choice.name : placeName(choice)));
  }
}

/** Typing a code picks its place; picking a place under "Area" empties the code box. */
export function initAudience() {
  els.areaCode.addEventListener('input', renderAreaCodeResult);
  els.area.addEventListener('change', () => {
    els.areaCode.value = '';
    renderAreaCodeResult();
  });
}

/**
 * The audience's area: the code typed (`{ error }` when it is not one of the official's), or the
 * choice under "Area".
 */
function chosenArea() {
  const typed = typedArea();
  if (typed?.error) return { error: typed.error };
  if (typed) return { area: clean(typed.choice.ref) };
  const choice = areaChoices.find((a) => areaKey(a.ref) === els.area.value) ?? areaChoices[0];
  return { area: choice ? clean(choice.ref) : {} };
}

/** Who gets it, from the form; `error` says what is missing (say's words). */
export function composeAudience() {
  const where = chosenArea();
  if (where.error) return { error: where.error, focus: els.areaCode };
  const audience = { area: where.area };
  const filter = els.progressFilter.value;
  if (filter) {
    if (!els.progressLesson.value) return { error: 'needProgressLesson', focus: els.progressLesson };
    audience[filter] = els.progressLesson.value;
  }
  if (els.locale.value) audience.locale = els.locale.value;
  if (els.channel.value) audience.channel = els.channel.value;
  return { audience };
}

/** The audience as a key, to tell whether the estimate on show still fits the form. */
export const audienceKey = () => JSON.stringify(composeAudience().audience ?? null);

/** A draft's audience back into the form, to edit it. */
export function fillAudience(aud) {
  const key = areaKey(aud.area);
  els.areaCode.value = '';
  if (areaChoices.some((c) => areaKey(c.ref) === key)) els.area.value = key;
  else if (aud.area && !els.areaCodeField.hidden) els.areaCode.value = codesOf(aud.area).slice(1).join('/');
  renderAreaCodeResult();
  els.progressFilter.value = aud.finished ? 'finished' : aud.notFinished ? 'notFinished' : '';
  els.progressLesson.value = aud.finished ?? aud.notFinished ?? '';
  els.locale.value = aud.locale ?? '';
  els.channel.value = aud.channel ?? '';
}

export function onFilterChange() {
  els.progressLessonField.hidden = !els.progressFilter.value;
}

/** An alert's audience in words, for the lists and its page. */
export function audienceText(aud, areaName) {
  if (!aud) return '';
  const parts = [];
  const choice = areaChoices.find((c) => areaKey(c.ref) === areaKey(aud.area));
  parts.push(areaName ?? choice?.name ?? (aud.area ? areaCodes(aud.area) : ''));
  if (aud.finished) parts.push(t('finishedFilter')(lessonTitle(aud.finished)));
  if (aud.notFinished) parts.push(t('notFinishedFilter')(lessonTitle(aud.notFinished)));
  if (aud.locale) parts.push(t('onlyLocale')(aud.locale === 'en' ? t('localeEn') : t('localeVi')));
  if (aud.channel) parts.push(t('onlyChannel')(channelName(aud.channel)));
  return parts.filter(Boolean).join(', ');
}
