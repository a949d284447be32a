// "My residents": the residents the coach's links reached who agreed to be followed, each with the
// link (and the coach's note) that brought them, their lessons finished and started (how far), and
// when they were last active; how many did not agree (counted only); the ripple. Kept, marked as
// maybe out of date, when it cannot be loaded again; an older answer never replaces a newer one.

import { el } from '../shared/dom.js';
import { timeOfDay } from '../shared/format.js';
import { call, failure, say, sayShown, session, t } from '../shared/session.js';
import { CALL_TIMEOUT_MS, els, when } from './page.js';
import { isCoachView } from './shapes.js';

/** The view on show (null: none yet), when it was loaded, and why the last load failed. */
let view = null;
let loadedAt = 0;
let loadError = null;
let seq = 0;

export function forgetResidents() {
  view = null;
  loadedAt = 0;
  loadError = null;
  els.residents.replaceChildren();
  say(els.residentsStatus, null);
  els.ripple.hidden = true;
  els.ripple.replaceChildren();
  els.notFollowing.hidden = true;
  els.notFollowing.replaceChildren();
  renderProblems();
}

export async function loadResidents() {
  const mine = ++seq;
  say(els.residentsStatus, 'loading');
  try {
    const json = await call('GET', `/coach/residents?lang=${session.lang}`, undefined, { timeout: CALL_TIMEOUT_MS, shape: isCoachView });
    // A newer load is out (another tap, or the other language): its answer decides.
    if (mine !== seq) return;
    view = json;
    loadedAt = Date.now();
    loadError = null;
    say(els.residentsStatus, null);
    renderResidents();
  } catch (err) {
    if (err.handled || mine !== seq) return;
    loadError = err;
    say(els.residentsStatus, null);
    renderResidents();
  }
}

export function residentsFailed() {
  return loadError !== null;
}

function renderProblems() {
  sayShown(els.residentsError, loadError ? failure('loadFailed', loadError) : null);
  const stale = Boolean(loadError && view);
  sayShown(els.residentsStale, stale ? () => t('staleList')(timeOfDay(loadedAt)) : null);
  els.residents.classList.toggle('stale', stale);
}

/** "Qua link HS7K3P9Q · nhà bác Tư, xóm 3": which of the coach's links brought them. */
const viaLine = (v) => el('p', { class: 'r-via', 'data-testid': 'resident-via', text: [t('via')(v.code), v.note].filter(Boolean).join(' · ') });

export function renderResidents() {
  renderProblems();
  if (!view) return;
  const { residents, ripple, notFollowing } = view;
  els.ripple.hidden = false;
  els.ripple.replaceChildren(
    ...(ripple.neighbours > 0
      ? [el('strong', { text: t('ripple')(ripple.neighbours) }), ripple.deepest > 1 ? el('p', { class: 'hint', text: t('rippleDepth')(ripple.deepest) }) : null]
      : [el('p', { text: t('rippleNone') })]),
  );

  const finished = (list) => list.map((l) => l.title).join(', ');
  const started = (list) => list.map((l) => t('lessonAt')(l.title, l.step, l.steps)).join(', ');
  els.residents.replaceChildren(
    ...(residents.length
      ? residents.map((r) =>
        el('li', { class: 'card', 'data-testid': 'resident' },
          el('p', { class: 'r-name', text: r.label }),
          ...r.via.map(viaLine),
          r.finished.length ? el('p', { class: 'r-line' }, el('b', { text: `${t('finished')}: ` }), finished(r.finished)) : null,
          r.started.length ? el('p', { class: 'r-line' }, el('b', { text: `${t('started')}: ` }), started(r.started)) : null,
          el('p', { class: 'c-meta', text: when('lastActive', r.lastActive) })))
      : [el('li', { class: 'hint', text: t('noResidents') })]),
  );

  els.notFollowing.hidden = notFollowing === 0;
  els.notFollowing.replaceChildren(el('strong', { text: t('notFollowing')(notFollowing) }), el('p', { class: 'hint', text: t('notFollowingHint') }));
}

export function initResidents() {
  els.reloadResidents.addEventListener('click', () => void loadResidents());
}
