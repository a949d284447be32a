// Which view is on show: a tab, or one alert's page ("detail", reached from the Alerts tab).

import { $ } from '../shared/dom.js';
import { loadAlerts } from './alerts.js';
import { els } from './page.js';
import { stopFollowing } from './progress.js';
import { loadQueue } from './queue.js';
import { loadStats } from './recognition.js';
import { loadReports } from './reports.js';

export let tab = 'compose';

export function setTab(name) {
  tab = name;
  if (name !== 'detail') stopFollowing();
  const pressed = name === 'detail' ? 'alerts' : name;
  for (const b of document.querySelectorAll('[data-tab]')) b.setAttribute('aria-pressed', String(b.dataset.tab === pressed));
  showTabButton(pressed);
  for (const id of ['compose', 'alerts', 'queue', 'stats', 'reports']) $(`tab-${id}`).hidden = id !== name;
  els.detail.hidden = name !== 'detail';
  if (name === 'alerts') void loadAlerts();
  if (name === 'queue') void loadQueue();
  if (name === 'stats') void loadStats();
  if (name === 'reports') void loadReports();
}

/** On a phone the tabs are one line that scrolls sideways: bring the chosen one into it. */
function showTabButton(name) {
  const button = /** @type {HTMLElement | null} */ (document.querySelector(`[data-tab="${name}"]`));
  const strip = button?.parentElement;
  if (!button || !strip || strip.scrollWidth <= strip.clientWidth) return;
  const left = button.offsetLeft;
  const right = left + button.offsetWidth;
  if (left < strip.scrollLeft) strip.scrollLeft = left - 24;
  else if (right > strip.scrollLeft + strip.clientWidth) strip.scrollLeft = right - strip.clientWidth + 24;
}
