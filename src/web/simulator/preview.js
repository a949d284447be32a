// The simulator's "View as" switch: the last bot replies drawn as Zalo or Messenger would send them
// (POST /channels/web/preview), with a caption naming which of the platform's limits applied.

import { el } from '/shared/dom.js';
import { platformMessage } from '/shared/platform.js';

const PREVIEW_URL = '/channels/web/preview';
/** The most replies the server draws at once. */
const PREVIEW_MAX = 20;

/** The preview's words, merged into the page's UI table by app.js. */
export const PREVIEW_UI = {
  vi: {
    previewEmpty: 'Chưa có tin trả lời nào để xem.',
    previewLoading: 'Đang dựng bản xem trước…',
    previewError: 'Không dựng được bản xem trước',
    previewIntro: 'Tin trả lời gần nhất, gửi đúng như sau:',
    messages: (n) => `${n} tin nhắn`,
    msgrLimits: 'Giới hạn Messenger: văn bản ≤ 2000 ký tự mỗi tin; nút trả lời nhanh ≤ 13, tiêu đề ≤ 20 ký tự; mẫu nút: văn bản ≤ 640 ký tự, 1–3 nút.',
    msgrStyle: {
      quick_replies: 'Lựa chọn hiện thành nút trả lời nhanh.',
      button_template: 'Lựa chọn hiện thành mẫu nút (tiêu đề cắt còn 20 ký tự).',
      numbered: 'Lựa chọn quá dài hoặc quá nhiều: danh sách đánh số, nút “1”, “2”… (tối đa 13).',
      none: 'Không có lựa chọn.',
    },
    zaloLimits: 'Giới hạn Zalo: văn bản ≤ 2000 ký tự mỗi tin (dài hơn bị từ chối, nên được cắt); tối đa 5 nút, tiêu đề giữ ≤ 20 ký tự.',
    zaloStyle: {
      buttons: 'Lựa chọn hiện thành nút bên dưới tin.',
      numbered_buttons: 'Nhãn dài: danh sách đánh số kèm nút “1”, “2”…',
      numbered: 'Hơn 5 lựa chọn: chỉ có danh sách đánh số, người dùng gõ số.',
      none: 'Không có lựa chọn.',
    },
    split: (n) => `Văn bản được cắt thành ${n} phần.`,
  },
  en: {
    previewEmpty: 'No bot replies to show yet.',
    previewLoading: 'Building the preview…',
    previewError: 'Could not build the preview',
    previewIntro: 'The last replies, sent exactly like this:',
    messages: (n) => `${n} message${String(n) === '1' ? '' : 's'}`,
    msgrLimits: 'Messenger limits: text ≤ 2000 chars per message; quick replies ≤ 13, titles ≤ 20 chars; button template text ≤ 640 chars, 1–3 buttons.',
    msgrStyle: {
      quick_replies: 'Choices shown as quick replies.',
      button_template: 'Choices shown as a button template (titles cut to 20 chars).',
      numbered: 'Labels too long or too many choices: numbered list, quick replies “1”, “2”… (at most 13).',
      none: 'No choices.',
    },
    zaloLimits: 'Zalo limits: text ≤ 2000 chars per message (longer is rejected, so it is split); at most 5 buttons, titles kept ≤ 20 chars.',
    zaloStyle: {
      buttons: 'Choices shown as buttons under the message.',
      numbered_buttons: 'Long labels: numbered list with buttons “1”, “2”…',
      numbered: 'More than 5 choices: numbered list only; the resident types the number.',
      none: 'No choices.',
    },
    split: (n) => `The text was split into ${n} parts.`,
  },
};

/**
 * @typedef {object} PreviewContext
 * @property {'zalo' | 'messenger'} view
 * @property {any[]} replies the bot's last replies (WebReply)
 * @property {(key: string) => any} t the page's strings, in its language
 * @property {(url: string, body: any) => Promise<any>} postJson
 * @property {(payload: string, label: string) => void} tap a drawn button was tapped
 * @property {() => string} currentView the view shown now (the resident may have switched meanwhile)
 */

let previewSeq = 0;

/** Draw `replies` into `box`; an answer that arrives after a newer request, or another view, is dropped. */
export async function renderPreview(box, /** @type {PreviewContext} */ ctx) {
  const { view, t } = ctx;
  const replies = ctx.replies.slice(-PREVIEW_MAX);
  const seq = ++previewSeq;
  box.className = `preview ${view}`;
  if (!replies.length) {
    box.replaceChildren(el('p', { class: 'caption', text: t('previewEmpty') }));
    return;
  }
  box.replaceChildren(el('p', { class: 'caption', text: t('previewLoading') }));
  try {
    const json = await ctx.postJson(PREVIEW_URL, { replies });
    if (seq !== previewSeq || ctx.currentView() !== view) return;
    const messages = view === 'zalo' ? json.zalo : json.messenger;
    const drawn = drawing(ctx);
    const thread = el('div', { class: 'thread' }, messages.map((m) => platformMessage(view, m, drawn)));
    box.replaceChildren(
      el('p', { class: 'caption', text: `${t('previewIntro')} ${t('messages')(messages.length)}` }),
      thread,
      el('p', { class: 'caption limits', 'data-testid': 'preview-caption', text: captionFor(view, messages, replies, t) }),
    );
    box.scrollTop = 0;
  } catch (err) {
    if (seq !== previewSeq) return;
    box.replaceChildren(el('p', { class: 'bubble error', role: 'alert', text: `${t('previewError')}: ${err.message}` }));
  }
}

/** Tapping a drawn button sends its payload, as the platform would. */
function drawing(ctx) {
  const button = (b, cls) => el('button', { type: 'button', class: cls, text: b.title, title: b.payload, onclick: () => ctx.tap(b.payload, b.title) });
  return { pictureAlt: ctx.t('picture'), button };
}

/** Which of the renderer's rules fired, read back from the payloads. */
function captionFor(view, messages, replies, t) {
  // Text parts: text messages and button templates (a Zalo picture's caption is not a part).
  const kind = (m) => m.attachment?.payload?.template_type;
  const textParts = messages.filter((m) => kind(m) === 'button' || (typeof m.text === 'string' && kind(m) !== 'media')).length;
  const repliesWithText = replies.filter((r) => r.text?.trim()).length;
  const lines = [];
  if (view === 'messenger') {
    lines.push(t('msgrLimits'));
    const last = messages.at(-1) ?? {};
    const qr = messages.flatMap((m) => m.quick_replies ?? []);
    const style = messages.some((m) => m.attachment?.payload?.template_type === 'button')
      ? 'button_template'
      : qr.length && qr.every((q, i) => q.title === String(i + 1)) && /\n1\. /.test(last.text ?? '')
        ? 'numbered'
        : qr.length
          ? 'quick_replies'
          : 'none';
    lines.push(t('msgrStyle')[style]);
  } else {
    lines.push(t('zaloLimits'));
    const buttons = messages.flatMap((m) => m.attachment?.payload?.buttons ?? []);
    const last = messages.at(-1) ?? {};
    const numbered = /(^|\n)1\. /.test(last.text ?? '');
    const style = buttons.length
      ? buttons.every((b, i) => b.title === String(i + 1)) && numbered ? 'numbered_buttons' : 'buttons'
      : numbered && replies.at(-1)?.choices?.length > 5 ? 'numbered' : 'none';
    lines.push(t('zaloStyle')[style]);
  }
  if (textParts > repliesWithText) lines.push(t('split')(textParts));
  return lines.join(' ');
}
