// Who gets an alert: the official's area (or one commune of it, by its code), residents who did or
// did not finish a lesson, a language, a channel; read from the compose form, written back into it
// when a draft is edited, and said in words on the lists and the alert's page.

import { el, fill } from '../shared/dom.js';
import { session, t } from '../shared/session.js';
import { lessonTitle } from './catalog.js';
import { CHANNEL_NAMES, els } from './page.js';

/** Areas the official may target: `{ ref, name }`, their own first. */
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
  return [ref.province, ref.district, ref.commune].filter(Boolean).join('/');
}

/**
 * The areas an official may target. The API lists no areas (only the account's own, from /me), so:
 * their own area, and for an official of a province or district a code field to narrow it to one
 * commune, which the server checks against the deployment's list (and answers with the reason).
 */
export function loadAreas() {
  const me = session.me;
  areaChoices = [{ ref: me.area, name: me.areaName ?? areaCodes(me.area) }];
  els.areaCodeField.hidden = Boolean(me.area.commune);
  renderAreaCodeHint();
  renderAreaSelects();
}

/** An example code of the kind the official would type: a commune's, or a district and commune's. */
export function renderAreaCodeHint() {
  els.areaCodeHint.textContent = t('areaCodeHint')(session.me.area.district ? '00715' : '00004');
}

const clean = (ref) => Object.fromEntries(Object.entries(ref).filter(([, v]) => v !== undefined && v !== null && v !== ''));

export function renderAreaSelects() {
  for (const select of [els.area, els.statsArea]) {
    const current = select.value;
    fill(select,
      ...areaChoices.map((a, i) => el('option', { value: areaKey(a.ref), text: i === 0 ? t('areaWhole')(a.name) : a.name })),
    );
    if (current && areaChoices.some((a) => areaKey(a.ref) === current)) select.value = current;
    // One area only (a commune official, or no area list to choose from): shown, nothing to choose.
    select.disabled = areaChoices.length < 2;
  }
}

/**
 * The audience's area: the select's choice, or the official's own area narrowed by a typed code
 * (`00004` a commune, `026/00715` a district's commune; the server checks it against its list).
 */
function chosenArea() {
  const me = session.me;
  const code = els.areaCode.value.trim().replace(/\s+/g, '');
  if (!els.areaCodeField.hidden && code) {
    const parts = code.split('/').filter(Boolean);
    if (parts.length >= 2) return { province: me.area.province, district: parts.at(-2), commune: parts.at(-1) };
    return clean({ ...me.area, commune: parts[0] });
  }
  const choice = areaChoices.find((a) => areaKey(a.ref) === els.area.value) ?? areaChoices[0];
  return clean(choice.ref);
}

/** Who gets it, from the form; `error` says what is missing. */
export function composeAudience() {
  const audience = { area: chosenArea() };
  const filter = els.progressFilter.value;
  if (filter) {
    if (!els.progressLesson.value) return { error: t('needProgressLesson'), focus: els.progressLesson };
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
  if (areaChoices.some((c) => areaKey(c.ref) === key)) els.area.value = key;
  else if (aud.area?.commune && !els.areaCodeField.hidden) {
    els.areaCode.value = aud.area.district && !session.me.area.district ? `${aud.area.district}/${aud.area.commune}` : aud.area.commune;
  }
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
  if (aud.channel) parts.push(t('onlyChannel')(CHANNEL_NAMES[aud.channel] ?? aud.channel));
  return parts.filter(Boolean).join(', ');
}
