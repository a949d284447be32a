// The alert's picture: checked for type and size before anything is uploaded, shown as a thumbnail,
// sent with the draft as base64; a saved draft's picture stays on the server until removed.

import { bytes } from '../shared/format.js';
import { call, failure, say, session, t } from '../shared/session.js';
import { limits } from './catalog.js';
import { draft, showComposeError } from './compose.js';
import { els } from './page.js';
import { schedulePreview } from './preview.js';

/** A picture chosen for the draft: its base64, type, and an object URL for the thumbnail and preview. */
export let picture = null;

export function renderImageHint() {
  els.imageHint.textContent = t('imageHint')((limits.imageMax / (1024 * 1024)).toLocaleString(session.lang, { maximumFractionDigits: 1 }));
}

/** Check type and size before anything is uploaded; keep the base64 for the draft, show a thumbnail. */
export async function onImageChange() {
  els.imageError.hidden = true;
  const file = els.image.files?.[0];
  if (!file) return;
  if (file.type !== 'image/png' && file.type !== 'image/jpeg') {
    showImageError('imageWrongType');
    return;
  }
  if (file.size > limits.imageMax) {
    const max = limits.imageMax;
    showImageError(() => t('imageTooBig')(bytes(file.size), bytes(max)));
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
  say(els.imageName, () => `${file.name} · ${bytes(file.size)}`);
  els.imagePreview.hidden = false;
  schedulePreview();
}

/** Why the picture was refused (say's words). */
function showImageError(words) {
  els.image.value = '';
  say(els.imageError, words);
  els.imageError.hidden = false;
  els.image.focus();
}

export function clearPicture() {
  if (picture?.url?.startsWith('blob:')) URL.revokeObjectURL(picture.url);
  picture = null;
  if (!els.imagePreview) return;
  els.imageError.hidden = true;
  say(els.imageError, null);
  say(els.imageName, null);
  els.imagePreview.hidden = true;
  els.imageThumb.removeAttribute('src');
  els.image.value = '';
}

export async function onImageRemove() {
  clearPicture();
  if (draft.id && draft.imageSaved) {
    // The draft on the server keeps its picture until told otherwise.
    try {
      await call('PATCH', `/alerts/${encodeURIComponent(draft.id)}`, { image: null });
    } catch (err) {
      if (!err.handled) showComposeError(failure('saveFailed', err));
    }
  }
  draft.imageSaved = false;
  schedulePreview();
  els.image.focus();
}

/** The alert's picture from this server (its `imageUrl` is the public address the platforms fetch). */
export function imageSrc(a) {
  if (a.imagePath) return `/${a.imagePath}`;
  return a.image ? `/alerts/${encodeURIComponent(a.id)}/image` : null;
}

/** Editing a draft whose picture stays on the server: show it, and let "Remove picture" take it off. */
export function showSavedPicture(a) {
  picture = { name: t('picture'), base64: null, url: imageSrc(a) };
  els.imageThumb.src = picture.url;
  els.imageThumb.alt = t('imageAlt')(picture.name);
  say(els.imageName, 'imageKept');
  els.imagePreview.hidden = false;
}

/** The thumbnail's description in the page's language. */
export function renderPictureAlt() {
  if (picture) els.imageThumb.alt = t('imageAlt')(picture.name);
}
