// Which tab is on show; opening one loads what it shows (again).

import { $ } from '../shared/dom.js';
import { session } from '../shared/session.js';
import { loadLinks } from './links.js';
import { loadResidents } from './residents.js';
import { lessonsMissing, loadLessons } from './send.js';

export let tab = 'new';

export function setTab(name) {
  tab = name;
  for (const b of document.querySelectorAll('[data-tab]')) b.setAttribute('aria-pressed', String(b.dataset.tab === name));
  for (const id of ['new', 'links', 'residents']) $(`tab-${id}`).hidden = id !== name;
  if (!session.me) return; // signing out: nothing to load
  // The lessons failed or never came: opening the tab again tries again.
  if (name === 'new' && lessonsMissing()) void loadLessons();
  if (name === 'links') void loadLinks();
  if (name === 'residents') void loadResidents();
}
