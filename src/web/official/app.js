// The official console: a commune or province official writes a scam alert (vi, optionally en, a
// picture, "would you recognise it?"), chooses who gets it, previews it as Zalo and Messenger show
// it, sees how many residents it reaches per channel (and how many the platforms' rules keep out
// now), sends it or sends it for a second official's approval, and watches it go out live, then its
// results; approves colleagues' alerts; sees per scam type how well the area's residents recognise
// it; reads residents' reports of suspicious messages. Talks to the admin API under /api/v1 with the
// official's access token (kept in localStorage until "Sign out"), and to POST /channels/web/preview.
// Plain ES modules, no build step, no framework (like the coach page, with which it shares
// ../shared/): this entry signs in and wires the views, one module each. Its words are in strings.js.

import { $ } from '../shared/dom.js';
import { initSession, session, startSession, t, translatePage } from '../shared/session.js';
import { clearAlerts, renderAlerts } from './alerts.js';
import { forgetAreas, loadAreas, renderAreaSelects } from './audience.js';
import { loadLessons, loadLimits, renderLessonSelects } from './catalog.js';
import { initCompose, renderCounters, renderDraftBadge, resetCompose } from './compose.js';
import { detail, forgetDetail, renderDetail } from './detail.js';
import { renderEstimate } from './estimate.js';
import { els, findElements } from './page.js';
import { renderImageHint, renderPictureAlt } from './picture.js';
import { forgetPreview, schedulePreview } from './preview.js';
import { followQueue, forgetQueue, renderQueue, renderQueueBadge } from './queue.js';
import { forgetStats, loadStats, renderStats } from './recognition.js';
import { forgetReports, initReports, renderReports } from './reports.js';
import { UI } from './strings.js';
import { setTab } from './tabs.js';

/** Only officials (and admins) send alerts: a coach's token is turned away with a reason (its key). */
const accept = (account) => (account.role !== 'official' && account.role !== 'admin' ? 'notOfficial' : '');

async function signedIn() {
  renderWho();
  setTab('compose');
  loadAreas();
  await Promise.all([loadLimits(), loadLessons()]);
  renderCounters();
  renderImageHint();
  schedulePreview();
  followQueue();
}

/**
 * Forget everything the last official saw and stop following anything: the next one on this
 * computer starts afresh, without a glimpse of the last one's alerts, drafts, reports, figures or
 * messages, even if their own then fail to load.
 */
function signedOut() {
  forgetDetail();
  forgetQueue();
  resetCompose();
  forgetAreas();
  clearAlerts();
  forgetStats();
  forgetReports();
  forgetPreview();
  els.who.textContent = '';
  els.whoArea.textContent = '';
  setTab('compose');
}

function renderWho() {
  const me = session.me;
  if (!me) return;
  els.who.textContent = t('hello')(me.name);
  els.whoArea.textContent = me.areaName ? t('areaOf')(me.areaName) : '';
}

function applyLang() {
  translatePage();
  if (!session.me) return;
  renderWho();
  renderAreaSelects();
  renderLessonSelects();
  renderImageHint();
  renderPictureAlt();
  renderCounters();
  renderDraftBadge();
  renderEstimate();
  renderAlerts();
  renderQueue();
  renderStats();
  renderReports();
  renderQueueBadge();
  if (detail.alert) renderDetail();
  schedulePreview();
}

function init() {
  initSession({ page: 'official', UI });
  findElements();
  initReports();
  applyLang();

  for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => setTab(b.dataset.tab));
  initCompose();
  els.statsArea.addEventListener('change', () => void loadStats());
  $('back').addEventListener('click', () => setTab('alerts'));

  startSession({ accept, signedIn, signedOut, langChanged: applyLang });
}

init();
