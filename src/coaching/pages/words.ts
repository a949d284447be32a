/**
 * What the resident's landing page says, in Vietnamese and English. Plain words for someone who
 * rarely reads on a phone: who sent the lesson, the code, and one button per way to open it.
 */
import { addressWords, DEFAULT_ADDRESS, ADDRESS_FORMS, type AddressForm, type AddressWords } from '../../engine/address.js';
import type { Locale } from '../../flows/schema.js';
import { html, type Html } from './html.js';

export type GoneReason = 'unknown' | 'expired' | 'revoked' | 'lesson';

export interface LandingWords {
  lang: string;
  brand: string;
  /**
   * The switch on this language's page: the language it goes to, named in that language so its
   * readers recognise it ("English" on the Vietnamese page, "Tiếng Việt" on the English one).
   */
  otherLanguage: string;
  /** As the bot says it (`chat.from_coach`): the account's name, then the team. */
  fromCoach(name: string): string;
  fromShare: string;
  fromSomeone: string;
  codeLabel: string;
  codeHint: string;
  ways: string;
  zalo: { title: string; button: string; how(code: string): Html };
  messenger: { title: string; button: string; how(code: string): Html };
  web: { title: string; button: string; how: string };
  safe: string;
  gone: Record<GoneReason, { title: string; body: string }>;
  /** "The lesson X is still in the menu." */
  stillInMenu(title: string): string;
  menuButton: string;
  menuHint: string;
  unavailable: { title: string; body: string };
}

/** The Vietnamese page, saying "you" as the resident is addressed (a coach's link may say "bác"). */
function vietnamese({ you, You }: AddressWords): LandingWords {
  return {
    lang: 'vi',
    brand: 'Học Số',
    otherLanguage: 'English',
    fromCoach: (name) => `${name} (tổ công nghệ số) gửi ${you} bài này`,
    fromShare: `Một người quen gửi ${you} bài này`,
    fromSomeone: `Có người gửi ${you} bài này`,
    codeLabel: `Mã bài học của ${you}`,
    codeHint: 'Gõ mã này trong khung chat với Học Số, hoặc đọc cho người khác.',
    ways: 'Chọn một cách để học',
    zalo: {
      title: 'Trong Zalo',
      button: 'Mở Zalo',
      how: (code) => html`Nếu Zalo hỏi, bấm “Quan tâm”. Sau đó gửi mã <strong>${code}</strong> trong khung chat.`,
    },
    messenger: {
      title: 'Trong Messenger',
      button: 'Mở Messenger',
      how: (code) => html`Bài học tự mở. Nếu không, gửi mã <strong>${code}</strong> trong khung chat.`,
    },
    web: { title: 'Ngay trên trang web', button: 'Mở bài học', how: 'Không cần cài đặt gì.' },
    safe: `Học Số miễn phí và không bao giờ hỏi mật khẩu hay mã OTP của ${you}.`,
    gone: {
      unknown: { title: 'Không tìm thấy mã này', body: `Có thể mã bị gõ sai. Hãy hỏi lại người đã gửi cho ${you}.` },
      expired: { title: 'Link này đã hết hạn', body: `${You} có thể xin người gửi một link mới, hoặc tự chọn bài trong danh mục.` },
      revoked: { title: 'Link này không còn dùng được', body: `Người gửi đã tắt link này. ${You} vẫn có thể tự chọn bài trong danh mục.` },
      lesson: { title: 'Bài học này không còn nữa', body: `${You} có thể chọn một bài khác trong danh mục.` },
    },
    stillInMenu: (title) => `Bài “${title}” vẫn có trong danh mục.`,
    menuButton: 'Xem danh mục bài học',
    menuHint: 'Trong khung chat với Học Số trên Zalo hoặc Messenger, nhắn “danh mục” để xem các bài học.',
    unavailable: { title: 'Hệ thống đang bận', body: `Xin lỗi, trang chưa mở được. ${You} thử lại sau ít phút nhé.` },
  };
}

const ENGLISH: LandingWords = {
lang: 'en',
  brand: 'Học Số',
  otherLanguage: 'Tiếng Việt',
  fromCoach: (name) => `${name} of the community digital technology team sent you this lesson`,
  fromShare: 'Someone you know sent you this lesson',
  fromSomeone: 'Someone sent you this lesson',
  codeLabel: 'Your lesson code',
  codeHint: 'Type this code in the chat with Học Số, or read it out to someone.',
  ways: 'Choose how to learn',
  zalo: {
    title: 'In Zalo',
    button: 'Open Zalo',
    how: (code) => html`If Zalo asks, tap “Follow”. Then send the code <strong>${code}</strong> in the chat.`,
  },
  messenger: {
    title: 'In Messenger',
    button: 'Open Messenger',
    how: (code) => html`The lesson opens by itself. If it does not, send the code <strong>${code}</strong> in the chat.`,
  },
  web: { title: 'Right here on the web', button: 'Open the lesson', how: 'Nothing to install.' },
  safe: 'Học Số is free and never asks for your password or OTP code.',
  gone: {
    unknown: { title: 'This code was not found', body: 'It may have been typed wrongly. Ask the person who sent it to you.' },
    expired: { title: 'This link has expired', body: 'Ask the sender for a new link, or pick the lesson from the menu yourself.' },
    revoked: { title: 'This link no longer works', body: 'The sender turned it off. You can still pick a lesson from the menu yourself.' },
    lesson: { title: 'This lesson is no longer available', body: 'You can pick another lesson from the menu.' },
  },
  stillInMenu: (title) => `The lesson “${title}” is still in the menu.`,
  menuButton: 'See the lessons',
  menuHint: 'In the chat with Học Số on Zalo or Messenger, send “menu” to see the lessons.',
  unavailable: { title: 'The system is busy', body: 'Sorry, the page could not open. Please try again in a few minutes.' },
};

const VIETNAMESE = new Map(ADDRESS_FORMS.map((form) => [form, vietnamese(addressWords(form, 'vi'))] as const));

/** The page's words in `locale`, the resident addressed as `form` (in Vietnamese; English says "you"). */
export function landingWords(locale: Locale, form: AddressForm = DEFAULT_ADDRESS): LandingWords {
  return locale === 'en' ? ENGLISH : VIETNAMESE.get(form)!;
}
