// What the coach page accepts as the API's answers (src/api/schemas.ts and src/coaching/coach-view.ts
// say them in zod on the server; the page has no build step to bring zod, so these are checked by
// hand). An answer that is not one of these (a proxy's JSON, an old server) is treated as "could not
// reach the server" by api() (../shared/api.js), and the page keeps what it shows.

const isString = (v) => typeof v === 'string';
const isCount = (v) => Number.isInteger(v) && v >= 0;
const isList = (v, each) => Array.isArray(v) && v.every(each);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A `{vi, en?}` text, or a plain string. */
const isText = (v) => isString(v) || (isObject(v) && isString(v.vi));
const isStep = (v) => isObject(v) && isCount(v.step) && isCount(v.steps);

const isLesson = (l) => isObject(l) && isString(l.id) && isText(l.title) && (l.summary === undefined || isText(l.summary));
export const isLessonList = (json) => isList(json.lessons, isLesson);

const isLinkResidents = (r) => isObject(r) && isCount(r.finished) && isList(r.learning, isStep) && isCount(r.notStarted) && isCount(r.notFollowing);

export const isLink = (l) =>
  isObject(l) && isString(l.code) && /^HS[A-Z0-9]{6}$/.test(l.code) && isText(l.lessonTitle) &&
  isString(l.createdAt) && isString(l.expiresAt) && isCount(l.uses) && typeof l.revoked === 'boolean' &&
  isString(l.landingUrl) && (l.note === undefined || isString(l.note)) && (l.address === undefined || isString(l.address)) &&
  (l.residents === undefined || isLinkResidents(l.residents));
export const isLinkList = (json) => isList(json.links, isLink);

const isLessonRef = (l) => isObject(l) && isString(l.id) && isString(l.title);
const isResident = (r) =>
  isObject(r) && isString(r.label) && isString(r.lastActive) && isList(r.finished, isLessonRef) &&
  isList(r.started, (l) => isLessonRef(l) && isStep(l)) &&
  isList(r.via, (v) => isObject(v) && isString(v.code) && (v.note === undefined || isString(v.note)));
export const isCoachView = (json) =>
  isList(json.residents, isResident) && isCount(json.notFollowing) && isObject(json.ripple) &&
  isCount(json.ripple.neighbours) && isCount(json.ripple.deepest);
