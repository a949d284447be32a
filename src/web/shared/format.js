// Numbers, sizes and times in the page's language, as the staff pages write them.

import { session, t } from './session.js';

const locale = () => (session.lang === 'vi' ? 'vi-VN' : 'en-GB');

export const num = (n) => new Intl.NumberFormat(locale()).format(n ?? 0);

export function bytes(n) {
  const mb = n / (1024 * 1024);
  return mb >= 1 ? `${mb.toLocaleString(session.lang, { maximumFractionDigits: 1 })} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** "vừa xong", "2 ngày trước", "hôm qua", "sau 29 ngày nữa"; lower-case, to sit inside a sentence. */
export function relative(date) {
  const seconds = (new Date(date).getTime() - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  if (!Number.isFinite(seconds)) return '';
  if (abs < 60) return t('justNow');
  const rtf = new Intl.RelativeTimeFormat(session.lang, { numeric: 'auto' });
  const [value, unit] =
    abs < 3600 ? [seconds / 60, 'minute']
      : abs < 86400 ? [seconds / 3600, 'hour']
        : abs < 30 * 86400 ? [seconds / 86400, 'day']
          : abs < 365 * 86400 ? [seconds / (30 * 86400), 'month']
            : [seconds / (365 * 86400), 'year'];
  const s = rtf.format(Math.round(value), unit);
  return s.charAt(0).toLocaleLowerCase(session.lang) + s.slice(1);
}

export function dateTime(date) {
  const d = new Date(date);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'medium' });
}

/** The time of day, "09:12": when a list that may be out of date was loaded. */
export function timeOfDay(date) {
  const d = new Date(date);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}
