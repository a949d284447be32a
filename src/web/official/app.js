// The official console: a commune or province official writes a scam alert (vi, optionally en, a
// picture, "would you recognise it?"), chooses who gets it, previews it as Zalo and Messenger show
// it, sees how many residents it reaches per channel (and how many the platforms' rules keep out
// now), sends it or sends it for a second official's approval, and watches it go out live, then its
// results; approves colleagues' alerts; sees per scam type how well the area's residents recognise it.
// Talks to the admin API under /api/v1 with the official's access token (kept in localStorage until
// "Sign out"), and to POST /channels/web/preview for the previews.
// Plain ES module, no build step, no framework (like the coach page). Its words are in strings.js.

import { BOT, SCAM_TYPES, UI } from './strings.js';

const API = '/api/v1';
const PREVIEW_URL = '/channels/web/preview';
const TOKEN_KEY = 'hocso.official.token';
const LANG_KEY = 'hocso.official.lang';
/** Used until the OpenAPI document says otherwise. */
const DEFAULTS = { textMax: 1000, imageMax: 1024 * 1024 };
const POLL_MS = 1500;
const PREVIEW_DELAY_MS = 300;
const QUEUE_REFRESH_MS = 30_000;
const LIVE_STATUSES = new Set(['scheduled', 'sending']);
/** The progress counters, as the bar shows them (skipped: cancelled meanwhile, or alerts turned off). */
const COUNTERS = ['sent', 'failed', 'unreachable', 'notReachableNow', 'skipped'];

// ── State ───────────────────────────────────────────────────────────────────────────────────

let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi';
let token = localStorage.getItem(TOKEN_KEY) ?? '';
/** @type {{ id: string, name: string, role: string, area: {province: string, district?: string, commune?: string}, areaName?: string } | null} */
let me = null;
/** @type {Array<{ id: string, title: {vi: string, en?: string} }>} */
let lessons = [];
/** Areas the official may target: `{ ref, name }`, their own first. */
let areaChoices = [];
let limits = { ...DEFAULTS };
let tab = 'compose';
/** The draft being composed: its id once saved, and the body last saved (to skip needless PATCHes). */
let draft = { id: '', savedKey: '', from: '', imageSaved: false };
/** A picture chosen for the draft: its base64, type, and an object URL for the thumbnail and preview. */
let picture = null;
let previewLang = 'vi';
let lastEstimate = null;
let estimateKey = '';
/** The alert on show in the detail view, and how its progress is followed. */
let detail = { id: '', alert: null, progress: null, results: null, source: null, timer: 0, notice: '' };
let alertsCache = null;
let queueCache = null;
let statsCache = null;
let queueTimer = 0;

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const els = {};

function t(key) {
  return UI[lang][key];
}

/** A `{vi, en}` text in the page's language. */
function loc(text) {
  if (typeof text === 'string') return text;
  return text?.[lang] ?? text?.vi ?? '';
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** Replace a node's children, leaving out the `null`s of conditional parts (as `el` does). */
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

const num = (n) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB').format(n ?? 0);

function bytes(n) {
  const mb = n / (1024 * 1024);
  return mb >= 1 ? `${mb.toLocaleString(lang, { maximumFractionDigits: 1 })} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** "vừa xong", "2 ngày trước"; lower-case, to sit inside a sentence. */
function relative(date) {
  const seconds = (new Date(date).getTime() - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  if (!Number.isFinite(seconds)) return '';
  if (abs < 60) return t('justNow');
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const [value, unit] =
    abs < 3600 ? [seconds / 60, 'minute']
      : abs < 86400 ? [seconds / 3600, 'hour']
        : abs < 30 * 86400 ? [seconds / 86400, 'day']
          : [seconds / (30 * 86400), 'month'];
  const s = rtf.format(Math.round(value), unit);
  return s.charAt(0).toLocaleLowerCase(lang) + s.slice(1);
}

function dateTime(date) {
  const d = new Date(date);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' });
}

function scamName(type) {
  return SCAM_TYPES[lang][type] ?? type;
}

function lessonTitle(id) {
  const l = lessons.find((x) => x.id === id);
  return l ? loc(l.title) : id;
}

// ── Talking to the server ───────────────────────────────────────────────────────────────────

class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Call the admin API; throws ApiError with the server's own message (or a network message). */
async function api(method, path, body, { auth = true, url = API + path } = {}) {
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(auth ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(t('networkError'), 0, 'network');
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    // Not JSON (a proxy's error page): handled below.
  }
  if (!res.ok) throw new ApiError(json?.error?.message ?? `HTTP ${res.status}`, res.status, json?.error?.code);
  return json;
}

/** Any call after signing in: a 401 means the token was replaced or disabled, so ask again. */
async function call(method, path, body) {
  try {
    return await api(method, path, body);
  } catch (err) {
    if (err.status === 401) {
      signOut(`${t('sessionEnded')}: ${err.message}`);
      throw Object.assign(err, { handled: true });
    }
    throw err;
  }
}

/** `{alert: {...}}` or the alert itself. */
const unwrapAlert = (json) => json?.alert ?? json;

// ── The OpenAPI document: limits the server enforces (text length, picture size, areas) ─────

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

async function loadLimits() {
  try {
    const doc = await api('GET', '/openapi.json', undefined, { auth: false });
    limits = readLimits(doc);
  } catch {
    limits = { ...DEFAULTS };
  }
}

// ── Signing in and out ──────────────────────────────────────────────────────────────────────

function showSignin(message, kind = 'error') {
  els.app.hidden = true;
  els.signin.hidden = false;
  els.signinError.hidden = !message;
  els.signinError.textContent = message ?? '';
  els.signinError.className = kind === 'error' ? 'error' : 'status';
  els.signinError.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

async function signIn(candidate) {
  token = candidate;
  els.signinBtn.disabled = true;
  els.signinBtn.textContent = t('signingIn');
  try {
    const json = await api('GET', '/me');
    const account = json?.account ?? json;
    if (account.role !== 'official' && account.role !== 'admin') {
      token = '';
      localStorage.removeItem(TOKEN_KEY);
      showSignin(t('notOfficial'));
      return;
    }
    me = account;
    localStorage.setItem(TOKEN_KEY, candidate);
    els.tokenInput.value = '';
    await showApp();
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      token = '';
      localStorage.removeItem(TOKEN_KEY);
    } else {
      // The server could not be reached: keep the token in the box to try again.
      els.tokenInput.value = candidate;
    }
    showSignin(`${t('signinFailed')}: ${err.message}`);
    els.tokenInput.focus();
  } finally {
    els.signinBtn.disabled = false;
    els.signinBtn.textContent = t('signin');
  }
}

function signOut(message = t('signedOut')) {
  localStorage.removeItem(TOKEN_KEY);
  token = '';
  me = null;
  stopFollowing();
  clearInterval(queueTimer);
  resetCompose();
  alertsCache = queueCache = statsCache = null;
  setQueueBadge(0);
  els.tokenInput.value = '';
  showSignin(message, message === t('signedOut') ? 'status' : 'error');
}

async function showApp() {
  els.signin.hidden = true;
  els.app.hidden = false;
  renderWho();
  setTab('compose');
  loadAreas();
  await Promise.all([loadLimits(), loadLessons()]);
  renderCounters();
  renderImageHint();
  schedulePreview();
  void refreshQueueBadge();
  // A colleague may send an alert for approval at any time: keep the queue's count current.
  clearInterval(queueTimer);
  queueTimer = setInterval(() => void refreshQueueBadge(), QUEUE_REFRESH_MS);
}

function renderWho() {
  if (!me) return;
  els.who.textContent = t('hello')(me.name);
  els.whoArea.textContent = me.areaName ? t('areaOf')(me.areaName) : '';
}

// ── Tabs ────────────────────────────────────────────────────────────────────────────────────

function setTab(name) {
  tab = name;
  if (name !== 'detail') stopFollowing();
  const pressed = name === 'detail' ? 'alerts' : name;
  for (const b of document.querySelectorAll('[data-tab]')) b.setAttribute('aria-pressed', String(b.dataset.tab === pressed));
  for (const id of ['compose', 'alerts', 'queue', 'stats']) $(`tab-${id}`).hidden = id !== name;
  els.detail.hidden = name !== 'detail';
  if (name === 'alerts') void loadAlerts();
  if (name === 'queue') void loadQueue();
  if (name === 'stats') void loadStats();
}

// ── Lessons and areas ───────────────────────────────────────────────────────────────────────

async function loadLessons() {
  try {
    const json = await call('GET', '/lessons');
    lessons = Array.isArray(json?.lessons) ? json.lessons : [];
  } catch (err) {
    if (!err.handled) showComposeError(`${t('loadFailed')}: ${err.message}`);
  }
  renderLessonSelects();
}

/** `{province, district?, commune?}` → `01`, `01/026`, `01//00004`, `02/026/00715` (the audience sets' paths). */
function areaKey(ref) {
  if (!ref) return '';
  if (ref.commune) return `${ref.province}/${ref.district ?? ''}/${ref.commune}`;
  if (ref.district) return `${ref.province}/${ref.district}`;
  return ref.province;
}

/** The same area written as admins type it: `01/00004`. */
function areaCodes(ref) {
  return [ref.province, ref.district, ref.commune].filter(Boolean).join('/');
}

/**
 * The areas an official may target. The API lists no areas (only the account's own, from /me), so:
 * their own area, and for an official of a province or district a code field to narrow it to one
 * commune, which the server checks against the deployment's list (and answers with the reason).
 */
function loadAreas() {
  areaChoices = [{ ref: me.area, name: me.areaName ?? areaCodes(me.area) }];
  els.areaCodeField.hidden = Boolean(me.area.commune);
  els.areaCodeHint.textContent = t('areaCodeHint')(me.area.district ? '00715' : '00004');
  renderAreaSelects();
}

const clean = (ref) => Object.fromEntries(Object.entries(ref).filter(([, v]) => v !== undefined && v !== null && v !== ''));

function renderAreaSelects() {
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

function renderLessonSelects() {
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

// ── Compose ─────────────────────────────────────────────────────────────────────────────────

function tryKind() {
  return /** @type {HTMLInputElement} */ (document.querySelector('input[name="try"]:checked'))?.value ?? 'none';
}

/**
 * The audience's area: the select's choice, or the official's own area narrowed by a typed code
 * (`00004` a commune, `026/00715` a district's commune; the server checks it against its list).
 */
function chosenArea() {
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
function composeAudience() {
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

/** The request body for POST/PATCH /alerts from the form; `error` says what is missing. */
function composeBody() {
  const vi = els.textVi.value.trim();
  const en = els.textEn.value.trim();
  if (!vi) return { error: t('needText'), focus: els.textVi };
  if (vi.length > limits.textMax || en.length > limits.textMax) return { error: t('tooLong'), focus: vi.length > limits.textMax ? els.textVi : els.textEn };
  const body = { text: { vi, ...(en ? { en } : {}) } };
  const kind = tryKind();
  if (kind === 'scam') {
    if (!els.scamType.value) return { error: t('needScamType'), focus: els.scamType };
    body.scamType = els.scamType.value;
  }
  if (kind === 'lesson') {
    if (!els.tryLessonSelect.value) return { error: t('needLesson'), focus: els.tryLessonSelect };
    body.lessonId = els.tryLessonSelect.value;
  }
  const { audience, error, focus } = composeAudience();
  if (error) return { error, focus };
  body.audience = audience;
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
    const patch = { scamType: null, lessonId: null, ...withImage };
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
      if (await saveDraft()) els.composeStatus.textContent = t('saved');
    } catch (err) {
      if (!err.handled) showComposeError(`${t('saveFailed')}: ${err.message}`);
    }
  });
}

/** The audience as a key, to tell whether the estimate on show still fits the form. */
const audienceKey = () => JSON.stringify(composeAudience().audience ?? null);

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
      lastEstimate = await call('POST', '/alerts/estimate', { audience });
      estimateKey = JSON.stringify(audience);
      renderEstimate();
    } catch (err) {
      if (!err.handled) showComposeError(`${t('estimateFailed')}: ${err.message}`);
    }
  });
}

async function onSend(e) {
  e.preventDefault();
  clearComposeMessages();
  await busy(els.send, t('sending'), async () => {
    try {
      const id = await saveDraft();
      if (!id) return;
      // Say how many it goes to before it goes: count again unless the estimate on show still fits.
      if (!lastEstimate || estimateKey !== audienceKey()) {
        lastEstimate = await call('POST', `/alerts/${encodeURIComponent(id)}/estimate`);
        estimateKey = audienceKey();
        renderEstimate();
      }
      const total = estimateTotal(lastEstimate);
      if (!window.confirm(t('confirmSend')(num(total)))) return;
      const submitted = unwrapAlert(await call('POST', `/alerts/${encodeURIComponent(id)}/submit`));
      const status = submitted?.status;
      const counted = submitted?.submittedAudience ?? total;
      const notice = status === 'pending_approval'
        ? t('submittedPending')(num(counted), num(lastEstimate?.approvalThreshold ?? 0))
        : status === 'scheduled' ? t('submittedScheduled') : t('submittedSending');
      resetCompose();
      alertsCache = null;
      await openDetail(id, notice);
    } catch (err) {
      if (!err.handled) showComposeError(`${t('sendFailed')}: ${err.message}`);
    }
  });
}

async function busy(button, label, work) {
  button.disabled = true;
  button.textContent = label;
  try {
    await work();
  } finally {
    button.disabled = false;
    // In the page's language now (it may have been switched meanwhile).
    button.textContent = t(button.dataset.i18n);
  }
}

function showComposeError(message) {
  els.composeError.textContent = message;
  els.composeError.hidden = false;
}

function clearComposeMessages() {
  els.composeError.hidden = true;
  els.composeStatus.textContent = '';
}

function resetCompose() {
  draft = { id: '', savedKey: '', from: '', imageSaved: false };
  lastEstimate = null;
  estimateKey = '';
  els.compose?.reset();
  els.areaCode && (els.areaCode.value = '');
  clearPicture();
  onTryChange();
  onFilterChange();
  renderDraftBadge();
  renderEstimate();
  renderCounters();
  schedulePreview();
}

function renderDraftBadge() {
  els.draftBadge.hidden = !draft.id;
  els.draftBadge.textContent = t('editingDraft');
}

function renderCounters() {
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

function onFilterChange() {
  els.progressLessonField.hidden = !els.progressFilter.value;
}

function onComposeInput() {
  renderCounters();
  markStaleEstimate();
  schedulePreview();
}

/** The estimate on show no longer fits the audience chosen: say so once (it is a live region). */
function markStaleEstimate() {
  if (!lastEstimate) return;
  const stale = estimateKey !== audienceKey();
  els.estimate.classList.toggle('stale', stale);
  const note = els.estimate.querySelector('[data-testid="estimate-stale"]');
  if (note) note.hidden = !stale;
}

// ── The picture ─────────────────────────────────────────────────────────────────────────────

function renderImageHint() {
  els.imageHint.textContent = t('imageHint')((limits.imageMax / (1024 * 1024)).toLocaleString(lang, { maximumFractionDigits: 1 }));
}

/** Check type and size before anything is uploaded; keep the base64 for the draft, show a thumbnail. */
async function onImageChange() {
  els.imageError.hidden = true;
  const file = els.image.files?.[0];
  if (!file) return;
  if (file.type !== 'image/png' && file.type !== 'image/jpeg') {
    showImageError(t('imageWrongType'));
    return;
  }
  if (file.size > limits.imageMax) {
    showImageError(t('imageTooBig')(bytes(file.size), bytes(limits.imageMax)));
    return;
  }
  const dataUrl = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  if (picture?.url?.startsWith('blob:')) URL.revokeObjectURL(picture.url);
  picture = { name: file.name, size: file.size, type: file.type, base64: dataUrl.slice(dataUrl.indexOf(',') + 1), url: URL.createObjectURL(file) };
  draft.imageSaved = false;
  els.imageThumb.src = picture.url;
  els.imageThumb.alt = t('imageAlt')(file.name);
  els.imageName.textContent = `${file.name} · ${bytes(file.size)}`;
  els.imagePreview.hidden = false;
  schedulePreview();
}

function showImageError(message) {
  els.image.value = '';
  els.imageError.textContent = message;
  els.imageError.hidden = false;
  els.image.focus();
}

function clearPicture() {
  if (picture?.url?.startsWith('blob:')) URL.revokeObjectURL(picture.url);
  picture = null;
  if (!els.imagePreview) return;
  els.imagePreview.hidden = true;
  els.imageThumb.removeAttribute('src');
  els.image.value = '';
}

async function onImageRemove() {
  clearPicture();
  if (draft.id && draft.imageSaved) {
    // The draft on the server keeps its picture until told otherwise.
    try {
      await call('PATCH', `/alerts/${encodeURIComponent(draft.id)}`, { image: null });
    } catch (err) {
      if (!err.handled) showComposeError(`${t('saveFailed')}: ${err.message}`);
    }
  }
  draft.imageSaved = false;
  schedulePreview();
  els.image.focus();
}

// ── Preview as Zalo and Messenger ───────────────────────────────────────────────────────────

/** Who residents read the alert is from: the server's wording once the draft exists, else the same rule ("UBND <area>"). */
function fromName() {
  if (draft.from) return draft.from;
  const area = me?.areaName?.split(', ')[0]?.trim();
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
  if (choices.length) lines.push(words.tryLine);
  choices.push({ payload: 'c:menu', label: words.menu });
  return { text: lines.join('\n\n'), ...(picture ? { imageUrl: picture.url } : {}), choices };
}

let previewTimer = 0;
let previewSeq = 0;

function schedulePreview() {
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
    const zalo = json?.zalo ?? [];
    const messenger = json?.messenger ?? [];
    fill(els.previewZalo,
      el('p', { class: 'caption', text: t('previewMessages')(zalo.length) }),
      el('div', { class: 'thread' }, zalo.map(zaloMessage)),
    );
    fill(els.previewMessenger,
      el('p', { class: 'caption', text: t('previewMessages')(messenger.length) }),
      el('div', { class: 'thread' }, messenger.map(messengerMessage)),
    );
  } catch (err) {
    if (seq !== previewSeq) return;
    for (const b of boxes) fill(b, el('p', { class: 'error', role: 'alert', text: `${t('previewError')}: ${err.message}` }));
  }
}

/** Drawn like the simulator's "View as", but inert: nothing to tap in a preview. */
function messengerMessage(m) {
  const wrap = el('div', { class: 'pm msgr', 'data-testid': 'pm' });
  const att = m.attachment;
  if (att?.type === 'image') {
    wrap.append(el('img', { class: 'pm-img', src: att.payload.url, alt: t('picture') }));
  } else if (att?.type === 'template' && att.payload.template_type === 'button') {
    wrap.append(
      el('div', { class: 'mcard' },
        el('div', { class: 'mcard-text', text: att.payload.text }),
        att.payload.buttons.map((b) => el('span', { class: 'mcard-btn', 'data-testid': 'pv-button', text: b.title }))),
    );
  } else if (typeof m.text === 'string') {
    wrap.append(el('div', { class: 'pm-bubble', text: m.text }));
  }
  if (m.quick_replies?.length) {
    wrap.append(el('div', { class: 'pills' }, m.quick_replies.map((q) => el('span', { class: 'pill', 'data-testid': 'pv-button', text: q.title }))));
  }
  return wrap;
}

function zaloMessage(m) {
  const card = el('div', { class: 'pm-bubble' });
  const att = m.attachment;
  if (att?.payload?.template_type === 'media') {
    for (const e of att.payload.elements) card.append(el('img', { class: 'pm-img', src: e.url, alt: t('picture') }));
  }
  if (typeof m.text === 'string') card.append(el('div', { class: 'pm-text', text: m.text }));
  if (att?.payload?.buttons) {
    card.append(el('div', { class: 'zbtns' }, att.payload.buttons.map((b) => el('span', { class: 'zbtn', 'data-testid': 'pv-button', text: b.title }))));
  }
  return el('div', { class: 'pm zalo', 'data-testid': 'pm' }, card);
}

function setPreviewLang(l) {
  previewLang = l;
  for (const b of document.querySelectorAll('[data-preview-lang]')) b.setAttribute('aria-pressed', String(b.dataset.previewLang === l));
  schedulePreview();
}

// ── Estimate ────────────────────────────────────────────────────────────────────────────────

const CHANNEL_NAMES = { zalo: 'Zalo', messenger: 'Messenger', web: 'Web', botframework: 'Bot Framework' };

/**
 * The estimate (POST /alerts/{id}/estimate) as rows per channel: residents, reachable now, not
 * reachable now, and why not (`window-closed`, `never-wrote`, `unreachable`), Zalo's charged ones.
 */
function estimateRows(est) {
  const only = composeAudience().audience?.channel;
  return Object.entries(est?.channels ?? {}).filter(([channel]) => !only || channel === only).map(([channel, v]) => ({
    channel,
    total: Number(v?.audience ?? 0),
    reachableNow: Number(v?.reachableNow ?? 0),
    notReachableNow: Number(v?.notReachableNow ?? 0),
    why: v?.notReachableWhy ?? {},
    charged: Number(v?.charged ?? 0),
  }));
}

function estimateTotal(est) {
  if (typeof est?.total === 'number') return est.total;
  return estimateRows(est).reduce((s, r) => s + r.total, 0);
}

function renderEstimate() {
  const box = els.estimate;
  if (!lastEstimate) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const rows = estimateRows(lastEstimate);
  const total = estimateTotal(lastEstimate);
  // Why some cannot be reached now, channel by channel, in plain words.
  const why = rows.flatMap((r) => {
    const name = CHANNEL_NAMES[r.channel] ?? r.channel;
    const lines = [];
    const closed = Number(r.why['window-closed'] ?? 0);
    const never = Number(r.why['never-wrote'] ?? 0);
    const blocked = Number(r.why.unreachable ?? 0);
    const other = Math.max(0, r.notReachableNow - closed - never - blocked);
    if (closed) lines.push(r.channel === 'zalo' ? t('estimateWhyZalo')(num(closed)) : r.channel === 'messenger' ? t('estimateWhyMessenger')(num(closed)) : t('estimateWhyOther')(name, num(closed)));
    if (never) lines.push(t('estimateNeverWrote')(name, num(never)));
    if (blocked) lines.push(t('estimateUnreachable')(name, num(blocked)));
    if (other) lines.push(t('estimateWhyOther')(name, num(other)));
    if (r.charged) lines.push(t('estimateCharged')(num(r.charged)));
    return lines;
  });
  const notNow = rows.some((r) => r.notReachableNow > 0);
  const optedOut = Number(lastEstimate.alertsOff ?? 0);
  const threshold = lastEstimate.approvalThreshold;
  const needsApproval = lastEstimate.needsApproval ?? (typeof threshold === 'number' && total > threshold);
  box.hidden = false;
  fill(box,
    el('h3', { text: t('estimateTitle') }),
    el('p', { class: 'big', 'data-testid': 'estimate-total', text: total > 0 ? t('estimateTotal')(num(total)) : t('estimateNobody') }),
    rows.length
      ? el('table', { class: 'table', 'data-testid': 'estimate-table' },
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col', text: t('estimateChannel') }),
          el('th', { scope: 'col', class: 'n', text: t('estimateMatching') }),
          el('th', { scope: 'col', class: 'n', text: t('estimateReachable') }),
          el('th', { scope: 'col', class: 'n', text: t('estimateNotNow') }))),
        el('tbody', {}, rows.map((r) => el('tr', { 'data-testid': 'estimate-row', 'data-channel': r.channel },
          el('th', { scope: 'row', text: CHANNEL_NAMES[r.channel] ?? r.channel }),
          el('td', { class: 'n', text: num(r.total) }),
          el('td', { class: 'n', text: num(r.reachableNow) }),
          el('td', { class: 'n', text: num(r.notReachableNow) })))))
      : null,
    why.length ? el('ul', { class: 'why', 'data-testid': 'estimate-why' }, why.map((w) => el('li', { text: w }))) : null,
    notNow ? el('p', { class: 'hint', text: t('estimateNotNowNote') }) : null,
    lastEstimate.exact === false ? el('p', { class: 'hint', text: t('estimateSampled')(num(lastEstimate.sampleSize ?? 0), num(lastEstimate.margin ?? 0)) }) : null,
    optedOut > 0 ? el('p', { class: 'hint', text: t('estimateOptedOut')(num(optedOut)) }) : null,
    needsApproval ? el('p', { class: 'notice', 'data-testid': 'estimate-approval', text: t('estimateNeedsApproval')(num(threshold ?? 0)) }) : null,
    el('p', { class: 'status warn', 'data-testid': 'estimate-stale', text: t('estimateStale') }),
  );
  markStaleEstimate();
}

// ── Lists: my area's alerts, and the approval queue ─────────────────────────────────────────

async function fetchAlerts(query = '') {
  const json = await call('GET', `/alerts${query}`);
  return Array.isArray(json?.alerts) ? json.alerts : Array.isArray(json) ? json : [];
}

async function loadAlerts() {
  els.alertsStatus.textContent = t('loading');
  try {
    alertsCache = await fetchAlerts();
    els.alertsStatus.textContent = '';
    renderAlerts();
  } catch (err) {
    if (!err.handled) els.alertsStatus.textContent = `${t('loadFailed')}: ${err.message}`;
  }
}

const authorName = (a) => a.createdByName ?? '';
/** Residents counted when it was submitted; unknown for a draft. */
const recipientsOf = (a) => a.submittedAudience ?? null;

function alertCard(a, { queue = false } = {}) {
  const status = a.status ?? 'draft';
  const n = recipientsOf(a);
  return el('li', { class: 'card', 'data-testid': queue ? 'queue-item' : 'alert-item', 'data-id': a.id, 'data-status': status },
    el('div', { class: 'row-between' },
      el('span', { class: `badge s-${status}`, 'data-testid': 'alert-status', text: t('status')[status] ?? status }),
      el('span', { class: 'c-meta', text: [n == null ? null : t('recipients')(num(n)), a.createdAt ? t('createdAt')(relative(a.createdAt)) : null].filter(Boolean).join(' · ') })),
    el('p', { class: 'c-text', text: loc(a.text) }),
    el('p', { class: 'c-meta', text: [authorName(a) ? t('by')(authorName(a)) : null, audienceText(a.audience, a.audienceName)].filter(Boolean).join(' · ') }),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary small', 'data-testid': 'open-alert', text: t('open'), onclick: () => void openDetail(a.id) }),
      queue ? el('button', { type: 'button', class: 'primary small', 'data-testid': 'approve', text: t('approve'), onclick: (e) => void approve(a, e.currentTarget) }) : null),
  );
}

function renderAlerts() {
  if (!alertsCache) return;
  fill(els.alerts,
    ...(alertsCache.length ? alertsCache.map((a) => alertCard(a)) : [el('li', { class: 'hint', text: t('noAlerts') })]),
  );
}

/** What the caller may do with an alert now, as the server says (its author may not approve it, …). */
const mayDo = (a) => a.may ?? {};

/** Waiting for approval, and the caller may approve it (never their own: the server refuses that too). */
async function fetchQueue() {
  const all = await fetchAlerts('?status=pending_approval');
  return all.filter((a) => a.status === 'pending_approval' && mayDo(a).approve);
}

async function loadQueue() {
  els.queueStatus.textContent = t('loading');
  try {
    queueCache = await fetchQueue();
    els.queueStatus.textContent = '';
    renderQueue();
  } catch (err) {
    if (!err.handled) els.queueStatus.textContent = `${t('loadFailed')}: ${err.message}`;
  }
}

function renderQueue() {
  if (!queueCache) return;
  setQueueBadge(queueCache.length);
  fill(els.queue,
    ...(queueCache.length ? queueCache.map((a) => alertCard(a, { queue: true })) : [el('li', { class: 'hint', text: t('noQueue') })]),
  );
}

async function refreshQueueBadge() {
  if (!me) return;
  try {
    setQueueBadge((await fetchQueue()).length);
  } catch {
    // The badge is a convenience; the tab shows any error.
  }
}

function setQueueBadge(n) {
  els.queueBadge.hidden = !n;
  els.queueBadge.textContent = String(n);
  // Screen readers hear it in words, as part of the tab's name.
  els.queueBadgeWords.textContent = n ? `, ${t('queueCount')(n)}` : '';
}

async function approve(a, button) {
  if (!window.confirm(t('confirmApprove')(recipientsOf(a) == null ? null : num(recipientsOf(a))))) return;
  const before = button.textContent;
  button.disabled = true;
  button.textContent = t('approving');
  try {
    await call('POST', `/alerts/${encodeURIComponent(a.id)}/approve`);
    alertsCache = null;
    if (tab === 'queue') {
      await loadQueue();
      els.queueStatus.textContent = t('approved');
    } else {
      await openDetail(a.id, t('approved'));
    }
  } catch (err) {
    button.disabled = false;
    button.textContent = before;
    if (err.handled) return;
    const message = `${t('approveFailed')}: ${err.message}`;
    if (tab === 'queue') els.queueStatus.textContent = message;
    else showDetailError(message);
  }
}

// ── One alert: details, progress, results, audit ────────────────────────────────────────────

function audienceText(aud, areaName) {
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

async function openDetail(id, notice = '') {
  stopFollowing();
  detail = { id, alert: null, progress: null, results: null, source: null, timer: 0, notice };
  els.detail.dataset.alert = id;
  setTab('detail');
  els.detailError.hidden = true;
  els.detailTitle.textContent = t('loading');
  els.detailStatus.textContent = '';
  els.detailBody.replaceChildren();
  els.detailActions.replaceChildren();
  els.audit.replaceChildren();
  els.progress.hidden = true;
  els.results.hidden = true;
  renderNotice();
  window.scrollTo({ top: 0 });
  els.detail.focus({ preventScroll: true });
  await reloadDetail();
}

function renderNotice() {
  els.detailNotice.hidden = !detail.notice;
  els.detailNotice.textContent = detail.notice;
}

/**
 * Load the alert, then its progress: followed live while it goes out (a done alert's stream says
 * where it stands and ends at once, then the results load); a cancelled one's counters once.
 */
async function reloadDetail() {
  const id = detail.id;
  await refreshAlert();
  const status = detail.alert?.status;
  if (detail.id !== id || !status) return;
  if (LIVE_STATUSES.has(status) || status === 'done') {
    if (!detail.source && !detail.timer) follow(id);
  } else if (status === 'cancelled') {
    stopFollowing();
    await loadProgressOnce(id);
    if (detail.progress && sumHandled(detail.progress) > 0) await loadResults(id);
  }
}

function showDetailError(message) {
  els.detailError.textContent = message;
  els.detailError.hidden = false;
}

function renderDetail() {
  const a = detail.alert;
  if (!a) return;
  const status = a.status ?? 'draft';
  const title = a.text?.vi ?? '';
  els.detailTitle.textContent = title.length > 70 ? `${title.slice(0, 70)}…` : title;
  els.detailStatus.textContent = t('status')[status] ?? status;
  els.detailStatus.className = `badge s-${status}`;
  els.detailStatus.dataset.status = status;
  const n = recipientsOf(a);
  const image = imageSrc(a);
  fill(els.detailBody,
    el('p', { class: 'c-text', 'data-testid': 'detail-text', text: a.text?.vi ?? '' }),
    a.text?.en ? el('p', { class: 'c-text en', lang: 'en', text: a.text.en }) : null,
    image ? el('img', { class: 'thumb', src: image, alt: t('picture') }) : null,
    el('dl', { class: 'facts' },
      a.scamType ? [el('dt', { text: t('scamTypeLabel') }), el('dd', { text: scamName(a.scamType) })] : null,
      a.lessonId ? [el('dt', { text: t('lessonLabel') }), el('dd', { text: lessonTitle(a.lessonId) })] : null,
      [el('dt', { text: t('audienceSummary') }), el('dd', { 'data-testid': 'detail-audience', text: [audienceText(a.audience, a.audienceName), n == null ? null : t('recipients')(num(n))].filter(Boolean).join(' · ') })],
      authorName(a) ? [el('dt', { text: t('author') }), el('dd', { text: authorName(a) })] : null,
      a.approvals?.length ? [el('dt', { text: t('approvedBy') }), el('dd', { 'data-testid': 'detail-approvals', text: a.approvals.map((x) => x.byName).join(', ') })] : null),
  );
  const may = mayDo(a);
  fill(els.detailActions,
    may.edit ? el('button', { type: 'button', class: 'secondary', 'data-testid': 'edit', text: t('edit'), onclick: () => editDraft(a) }) : null,
    may.approve ? el('button', { type: 'button', class: 'primary', 'data-testid': 'detail-approve', text: t('approve'), onclick: (e) => void approve(a, e.currentTarget) }) : null,
    may.cancel ? el('button', { type: 'button', class: 'secondary danger', 'data-testid': 'cancel', text: t('cancel'), onclick: (e) => void cancel(a, e.currentTarget) }) : null,
  );
  renderAudit(a.audit ?? a.auditLog ?? []);
  renderProgress();
  renderResults();
}

function renderAudit(entries) {
  fill(els.audit,
    ...(entries.length
      ? entries.map((e) => {
        const who = e.by === 'system' ? t('system') : e.byName || e.by;
        const key = e.action === 'submitted' && e.to === 'pending_approval' ? 'submittedForApproval' : e.action;
        const what = t('auditWhat')[key] ?? e.action;
        return el('li', { 'data-testid': 'audit-entry', 'data-action': e.action },
          el('time', { datetime: e.at, text: dateTime(e.at) }),
          el('span', {}, el('b', { text: who }), ` ${what}`),
          e.to ? el('span', { class: 'hint', text: `→ ${t('status')[e.to] ?? e.to}` }) : null);
      })
      : [el('li', { class: 'hint', text: t('auditEmpty') })]),
  );
}

/** The alert's picture from this server (its `imageUrl` is the public address the platforms fetch). */
function imageSrc(a) {
  if (a.imagePath) return `/${a.imagePath}`;
  return a.image ? `/alerts/${encodeURIComponent(a.id)}/image` : null;
}

function editDraft(a) {
  resetCompose();
  draft = { id: a.id, savedKey: '', from: a.fromName ?? '', imageSaved: Boolean(a.image ?? a.imageUrl) };
  els.textVi.value = a.text?.vi ?? '';
  els.textEn.value = a.text?.en ?? '';
  const kind = a.scamType ? 'scam' : a.lessonId ? 'lesson' : 'none';
  /** @type {HTMLInputElement} */ (document.querySelector(`input[name="try"][value="${kind}"]`)).checked = true;
  els.scamType.value = a.scamType ?? '';
  els.tryLessonSelect.value = a.lessonId ?? '';
  const aud = a.audience ?? {};
  const key = areaKey(aud.area);
  if (areaChoices.some((c) => areaKey(c.ref) === key)) els.area.value = key;
  else if (aud.area?.commune && !els.areaCodeField.hidden) {
    els.areaCode.value = aud.area.district && !me.area.district ? `${aud.area.district}/${aud.area.commune}` : aud.area.commune;
  }
  els.progressFilter.value = aud.finished ? 'finished' : aud.notFinished ? 'notFinished' : '';
  els.progressLesson.value = aud.finished ?? aud.notFinished ?? '';
  els.locale.value = aud.locale ?? '';
  els.channel.value = aud.channel ?? '';
  if (draft.imageSaved) {
    // The picture stays on the server; show it, and let "Remove picture" take it off.
    picture = { name: t('picture'), base64: null, url: imageSrc(a) };
    els.imageThumb.src = picture.url;
    els.imageThumb.alt = t('imageAlt')(picture.name);
    els.imageName.textContent = t('imageKept');
    els.imagePreview.hidden = false;
  }
  onTryChange();
  onFilterChange();
  renderDraftBadge();
  renderCounters();
  schedulePreview();
  setTab('compose');
  els.textVi.focus();
}

async function cancel(a, button) {
  if (!window.confirm(t('confirmCancel'))) return;
  button.disabled = true;
  button.textContent = t('cancelling');
  try {
    await call('POST', `/alerts/${encodeURIComponent(a.id)}/cancel`);
    alertsCache = null;
    detail.notice = t('cancelled');
    renderNotice();
    stopFollowing();
    await reloadDetail();
  } catch (err) {
    button.disabled = false;
    button.textContent = t('cancel');
    if (!err.handled) showDetailError(`${t('cancelFailed')}: ${err.message}`);
  }
}

// ── Live progress: server-sent events, or polling when they do not get through ─────────────

/** GET /alerts/{id}/progress (and each event of the stream): counters, the audience found so far, in flight. */
function readProgress(json) {
  const p = json?.progress ?? json ?? {};
  const out = { status: p.status, total: p.audience ?? null, inFlight: Number(p.inFlight ?? 0), planned: p.planned !== false };
  for (const k of COUNTERS) out[k] = Number(p[k] ?? 0);
  return out;
}

const sumHandled = (p) => COUNTERS.reduce((s, k) => s + (p[k] ?? 0), 0);

/** Nothing more will change: cancelled, or done with nobody left in a platform's queue. */
const isSettled = (p) => p?.status === 'cancelled' || (p?.status === 'done' && !p.inFlight);

/**
 * Follow an alert while it goes out: the event stream (`?token=`, as EventSource cannot send a
 * header) pushes each change and an `end` event; if the stream cannot be opened or breaks (a proxy
 * that buffers it), poll GET /progress instead.
 */
function follow(id) {
  els.progress.hidden = false;
  if (typeof EventSource !== 'function') {
    startPolling(id);
    return;
  }
  const source = new EventSource(`${API}/alerts/${encodeURIComponent(id)}/events?token=${encodeURIComponent(token)}`);
  detail.source = source;
  els.progressMode.textContent = t('live');
  const read = (e) => {
    try {
      return JSON.parse(e.data);
    } catch {
      return null;
    }
  };
  source.addEventListener('message', (e) => {
    const json = read(e);
    if (json && detail.id === id) applyProgress(json);
  });
  source.addEventListener('end', (e) => {
    // The server is done with this alert: close before EventSource reconnects by itself.
    source.close();
    if (detail.source === source) detail.source = null;
    const json = read(e);
    if (detail.id !== id) return;
    if (json) applyProgress(json);
    void finish(id);
  });
  source.addEventListener('error', () => {
    if (detail.source !== source) return;
    source.close();
    detail.source = null;
    if (detail.id !== id) return;
    if (isSettled(detail.progress)) void finish(id);
    else startPolling(id);
  });
}

function applyProgress(json) {
  const p = readProgress(json);
  const before = detail.alert?.status;
  detail.progress = p;
  if (detail.alert && p.status) detail.alert.status = p.status;
  renderProgress();
  // A new state (sending → done, cancelled by a colleague): the alert's page and audit change too.
  if (p.status && before && p.status !== before) void refreshAlert();
}

function startPolling(id) {
  els.progressMode.textContent = t('polling');
  const tick = async () => {
    detail.timer = 0;
    if (detail.id !== id) return;
    try {
      applyProgress(await call('GET', `/alerts/${encodeURIComponent(id)}/progress`));
    } catch (err) {
      if (err.handled) return;
    }
    if (detail.id !== id || tab !== 'detail') return;
    if (isSettled(detail.progress)) void finish(id);
    else detail.timer = setTimeout(tick, POLL_MS);
  };
  detail.timer = setTimeout(tick, 0);
}

/** The alert went out (or was cancelled): its final state, counters and results. */
async function finish(id) {
  stopFollowing();
  await refreshAlert();
  if (detail.id === id) await loadResults(id);
}

/** Reload the alert itself (status, audit, what may be done) without restarting the progress. */
async function refreshAlert() {
  const id = detail.id;
  try {
    const alert = unwrapAlert(await call('GET', `/alerts/${encodeURIComponent(id)}`));
    if (detail.id !== id) return;
    detail.alert = alert;
    renderDetail();
  } catch (err) {
    if (!err.handled) showDetailError(`${t('loadFailed')}: ${err.message}`);
  }
}

async function loadProgressOnce(id) {
  try {
    const p = readProgress(await call('GET', `/alerts/${encodeURIComponent(id)}/progress`));
    if (detail.id !== id) return;
    detail.progress = p;
    renderProgress();
  } catch {
    // The results below say the same.
  }
}

function stopFollowing() {
  if (detail.source) detail.source.close();
  if (detail.timer) clearTimeout(detail.timer);
  detail.source = null;
  detail.timer = 0;
}

const SEGMENT_CLASS = { sent: 'seg-sent', failed: 'seg-failed', unreachable: 'seg-unreachable', notReachableNow: 'seg-notnow', skipped: 'seg-skipped' };
const HINTS = { unreachable: 'unreachableHint', notReachableNow: 'notReachableNowHint', skipped: 'skippedHint' };

function renderProgress() {
  const p = detail.progress;
  const status = detail.alert?.status;
  if (!p || !(LIVE_STATUSES.has(status) || status === 'done' || (status === 'cancelled' && sumHandled(p) > 0))) {
    els.progress.hidden = true;
    return;
  }
  els.progress.hidden = false;
  const handled = sumHandled(p);
  const total = Math.max(p.total ?? 0, handled);
  const pct = total ? Math.floor((handled / total) * 100) : status === 'done' ? 100 : 0;
  els.progress.dataset.status = status;
  els.progressBar.setAttribute('aria-valuenow', String(pct));
  els.progressBar.setAttribute('aria-valuetext', `${pct}% — ${t('progressOf')(num(handled), num(total))}`);
  fill(els.progressBar,
    ...COUNTERS.filter((k) => p[k] > 0).map((k) =>
      el('span', { class: `part ${SEGMENT_CLASS[k]}`, style: `width:${total ? (p[k] / total) * 100 : 0}%`, title: `${t(k)}: ${num(p[k])}` })),
  );
  els.progressText.textContent = `${pct}% · ${t('progressOf')(num(handled), num(total))}`;
  if (isSettled(p)) els.progressMode.textContent = t('status')[status] ?? status;
  fill(els.progressLegend,
    ...COUNTERS.filter((k) => k !== 'skipped' || p[k] > 0).map((k) => el('li', { 'data-testid': `progress-${k}`, 'data-value': p[k] },
      el('span', { class: `swatch ${SEGMENT_CLASS[k]}`, 'aria-hidden': 'true' }),
      el('span', { class: 'l-name', text: t(k) }),
      el('strong', { text: num(p[k]) }),
      HINTS[k] ? el('span', { class: 'hint', text: `(${t(HINTS[k])})` }) : null)),
    total > handled ? el('li', { 'data-testid': 'progress-waiting', 'data-value': total - handled },
      el('span', { class: 'swatch seg-waiting', 'aria-hidden': 'true' }),
      el('span', { class: 'l-name', text: t('waiting') }),
      el('strong', { text: num(total - handled) })) : null,
  );
}

async function loadResults(id) {
  try {
    const json = await call('GET', `/alerts/${encodeURIComponent(id)}/results`);
    if (detail.id !== id) return;
    detail.results = json?.results ?? json;
    if (!detail.progress) detail.progress = { ...readProgress(detail.results), status: detail.alert?.status };
    renderProgress();
    renderResults();
  } catch (err) {
    if (!err.handled) showDetailError(`${t('loadFailed')}: ${err.message}`);
  }
}

function renderResults() {
  const r = detail.results;
  if (!r) {
    els.results.hidden = true;
    return;
  }
  els.results.hidden = false;
  const rows = ['sent', 'failed', 'unreachable', 'notReachableNow', 'shown', 'opened', 'recognised', 'missed'];
  fill(els.resultsList,
    ...rows.map((k) => el('div', { class: 'result', 'data-testid': `result-${k}`, 'data-value': Number(r[k] ?? 0) },
      el('dt', { text: t(k) }), el('dd', { text: num(Number(r[k] ?? 0)) }))),
  );
  const answered = Number(r.recognised ?? 0) + Number(r.missed ?? 0);
  els.resultsShare.textContent = answered ? t('recognisedShare')(Math.round((Number(r.recognised ?? 0) / answered) * 100)) : '';
}

// ── Recognition per scam type: inline SVG bars ──────────────────────────────────────────────

async function loadStats() {
  els.statsStatus.textContent = t('loading');
  const area = els.statsArea.value || areaKey(me.area);
  const choice = areaChoices.find((a) => areaKey(a.ref) === area) ?? areaChoices[0];
  try {
    const json = await call('GET', `/stats/recognition?area=${encodeURIComponent(areaCodes(choice.ref))}`);
    statsCache = readStats(json);
    els.statsStatus.textContent = '';
    renderStats();
  } catch (err) {
    if (!err.handled) els.statsStatus.textContent = `${t('loadFailed')}: ${err.message}`;
  }
}

/** Rows `{scamType, answered, recognised, residents, share}` from GET /stats/recognition's `byScamType`. */
function readStats(json) {
  const rows = (json?.byScamType ?? []).map((v) => ({
    scamType: v.scamType,
    answered: Number(v.answers ?? 0),
    recognised: Number(v.right ?? 0),
    residents: Number(v.residents ?? 0),
    share: typeof v.share === 'number' ? v.share : null,
    margin: Number(v.margin ?? 0),
  }));
  return { rows, exact: json?.exact !== false, sampleSize: Number(json?.sampleSize ?? 0), areaResidents: Number(json?.areaResidents ?? 0) };
}

function barColour(share) {
  if (share < 0.5) return 'bar-low';
  if (share < 0.75) return 'bar-mid';
  return 'bar-high';
}

function renderStats() {
  if (!statsCache) return;
  // Weakest first (on a tie, the one more residents answered): what to warn residents about next.
  const rows = statsCache.rows.slice().sort((a, b) => (a.share ?? 2) - (b.share ?? 2) || b.answered - a.answered);
  const answered = rows.filter((r) => r.answered > 0);
  if (!answered.length) {
    fill(els.stats, el('p', { class: 'hint', 'data-testid': 'stats-empty', text: t('statsEmpty') }));
    return;
  }
  const W = 760;
  const LABEL = 340;
  const BAR = 270;
  const ROW = 34;
  const H = rows.length * ROW + 8;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-labelledby': 'stats-chart-title', class: 'chart', 'data-testid': 'stats-chart' },
    svg('title', { id: 'stats-chart-title' }, t('statsChartLabel')),
    rows.map((r, i) => {
      const y = i * ROW + 4;
      const has = r.answered > 0 && r.share !== null;
      const pct = has ? Math.round(r.share * 100) : 0;
      return svg('g', { 'data-testid': 'stats-bar', 'data-type': r.scamType, 'data-share': has ? pct : '' },
        svg('title', {}, has ? t('statsBarLabel')(scamName(r.scamType), pct, r.answered) : `${scamName(r.scamType)}: ${t('statsNoAnswers')}`),
        svg('text', { x: LABEL - 10, y: y + ROW / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'c-label' }, scamName(r.scamType)),
        svg('rect', { x: LABEL, y: y + 5, width: BAR, height: ROW - 12, rx: 5, class: 'track' }),
        has ? svg('rect', { x: LABEL, y: y + 5, width: Math.max(2, (BAR * pct) / 100), height: ROW - 12, rx: 5, class: barColour(r.share) }) : null,
        svg('text', { x: LABEL + BAR + 10, y: y + ROW / 2, 'dominant-baseline': 'middle', class: 'c-value' },
          has ? `${pct}% · ${t('statsAnswers')(num(r.answered))}` : t('statsNoAnswers')));
    }));
  const weakest = answered[0];
  fill(els.stats,
    weakest && weakest.share < 0.75 ? el('p', { class: 'notice', 'data-testid': 'stats-weakest', text: t('statsWeakest')(scamName(weakest.scamType)) }) : null,
    el('div', { class: 'chart-box' }, chart),
    statsCache.exact ? null : el('p', { class: 'hint', text: t('statsSampled')(num(statsCache.sampleSize), num(statsCache.areaResidents)) }),
    el('details', { class: 'table-box' },
      el('summary', { text: t('statsTable') }),
      el('table', { class: 'table', 'data-testid': 'stats-table' },
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col', text: t('statsType') }),
          el('th', { scope: 'col', class: 'n', text: t('statsShare') }),
          el('th', { scope: 'col', class: 'n', text: t('statsCount') }))),
        el('tbody', {}, rows.map((r) => el('tr', {},
          el('th', { scope: 'row', text: scamName(r.scamType) }),
          el('td', { class: 'n', text: r.answered && r.share !== null ? `${Math.round(r.share * 100)}%` : '—' }),
          el('td', { class: 'n', text: num(r.answered) })))))),
  );
}

// ── Page chrome ─────────────────────────────────────────────────────────────────────────────

function applyLang() {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  for (const node of document.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
  els.lang.textContent = lang === 'vi' ? 'EN' : 'VI';
  els.lang.setAttribute('aria-pressed', String(lang === 'en'));
  if (!me) return;
  renderWho();
  renderAreaSelects();
  renderLessonSelects();
  els.areaCodeHint.textContent = t('areaCodeHint')(me.area.district ? '00715' : '00004');
  renderImageHint();
  if (picture) els.imageThumb.alt = t('imageAlt')(picture.name);
  renderCounters();
  renderDraftBadge();
  renderEstimate();
  renderAlerts();
  renderQueue();
  renderStats();
  if (queueCache) setQueueBadge(queueCache.length);
  if (detail.alert) renderDetail();
  schedulePreview();
}

function init() {
  Object.assign(els, {
    lang: $('lang'),
    signin: $('signin'),
    app: $('app'),
    tokenInput: /** @type {HTMLInputElement} */ ($('token')),
    signinBtn: /** @type {HTMLButtonElement} */ ($('signin-btn')),
    signinError: $('signin-error'),
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
    area: /** @type {HTMLSelectElement} */ ($('area')),
    areaCodeField: $('area-code-field'),
    areaCode: /** @type {HTMLInputElement} */ ($('area-code')),
    areaCodeHint: $('area-code-hint'),
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
  applyLang();

  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const candidate = els.tokenInput.value.trim();
    if (!candidate) {
      showSignin(t('signinEmpty'));
      return;
    }
    void signIn(candidate);
  });
  $('signout').addEventListener('click', () => signOut());
  els.lang.addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem(LANG_KEY, lang);
    applyLang();
  });
  for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => setTab(b.dataset.tab));
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
  els.statsArea.addEventListener('change', () => void loadStats());
  $('back').addEventListener('click', () => setTab('alerts'));

  onTryChange();
  onFilterChange();
  if (token) void signIn(token);
  else showSignin();
}

init();
