// What the compose form offers and what the server enforces on it: the lessons (GET /lessons), the
// quiz bank's scam types, and the limits of the OpenAPI document (text length, picture size).

import { el, fill } from '../shared/dom.js';
import { api, call, failure, loc, t } from '../shared/session.js';
import { showComposeError } from './compose.js';
import { els, scamName } from './page.js';
import { SCAM_TYPES } from './strings.js';

/** Used until the OpenAPI document says otherwise. */
const DEFAULTS = { textMax: 1000, imageMax: 1024 * 1024 };

/** @type {Array<{ id: string, title: {vi: string, en?: string} }>} */
export let lessons = [];
export let limits = { ...DEFAULTS };

// ── Lessons and scam types ──────────────────────────────────────────────────────────────────

export async function loadLessons() {
  try {
    const json = await call('GET', '/lessons');
    lessons = Array.isArray(json?.lessons) ? json.lessons : [];
  } catch (err) {
    if (!err.handled) showComposeError(failure('loadFailed', err));
  }
  renderLessonSelects();
}

export function lessonTitle(id) {
  const l = lessons.find((x) => x.id === id);
  return l ? loc(l.title) : id;
}

export function renderLessonSelects() {
  for (const select of [els.tryLessonSelect, els.progressLesson]) {
    const current = select.value;
    fill(select,
      el('option', { value: '', text: '—' }),
      ...lessons.map((l) => el('option', { value: l.id, text: loc(l.title) })),
    );
    select.value = current;
  }
  const type = els.scamType.value;
  fill(els.scamType,
    el('option', { value: '', text: '—' }),
    ...Object.keys(SCAM_TYPES.vi).map((k) => el('option', { value: k, text: scamName(k) })),
  );
  els.scamType.value = type;
}

// ── The OpenAPI document: limits the server enforces (text length, picture size) ────────────

/** Follow a local `$ref` in the OpenAPI document. */
function deref(doc, schema) {
  let s = schema;
  for (let i = 0; i < 10 && s && typeof s.$ref === 'string'; i++) {
    s = s.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o?.[k], doc);
  }
  return s;
}

/** Read `text.vi.maxLength` and the picture's size limit from the create-alert body's schema. */
function readLimits(doc) {
  const out = { ...DEFAULTS };
  const body = deref(doc, doc?.paths?.['/alerts']?.post?.requestBody?.content?.['application/json']?.schema);
  const text = deref(doc, deref(doc, body?.properties?.text)?.properties?.vi);
  if (Number.isInteger(text?.maxLength)) out.textMax = text.maxLength;
  const image = deref(doc, body?.properties?.image);
  const desc = `${image?.description ?? ''}`;
  const mb = /([0-9.]+)\s*MB/i.exec(desc);
  if (mb) out.imageMax = Math.round(Number(mb[1]) * 1024 * 1024);
  return out;
}

export async function loadLimits() {
  try {
    const doc = await api('GET', '/openapi.json', undefined, { auth: false });
    limits = readLimits(doc);
  } catch {
    limits = { ...DEFAULTS };
  }
}
