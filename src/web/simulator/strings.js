// The simulator page's own words, in Vietnamese and English (the bot's words come from the server);
// the "View as" preview's are in preview.js.

import { PREVIEW_UI } from './preview.js';

export const UI = {
  vi: {
    subtitle: 'Trò chuyện thử',
    newResident: 'Người mới',
    langAria: 'Đổi ngôn ngữ trang sang tiếng Anh',
    viewAs: 'Xem như',
    inputLabel: 'Tin nhắn của bạn',
    placeholder: 'Nhập tin nhắn…',
    send: 'Gửi',
    close: 'Đóng',
    picture: 'Hình minh hoạ',
    openPicture: 'Xem ảnh lớn',
    typing: 'Đang trả lời…',
    choices: 'Các lựa chọn',
    networkError: 'Không kết nối được máy chủ. Tin của bạn vẫn còn trong ô nhập, hãy bấm Gửi lại.',
    serverError: 'Chưa gửi được',
    keptText: 'Tin của bạn vẫn còn trong ô nhập.',
    ...PREVIEW_UI.vi,
  },
  en: {
    subtitle: 'Try the chat',
    newResident: 'New resident',
    langAria: 'Switch the page language to Vietnamese',
    viewAs: 'View as',
    inputLabel: 'Your message',
    placeholder: 'Type a message…',
    send: 'Send',
    close: 'Close',
    picture: 'Illustration',
    openPicture: 'Open full size',
    typing: 'Replying…',
    choices: 'Choices',
    networkError: 'Could not reach the server. Your message is still in the box; press Send again.',
    serverError: 'Not sent',
    keptText: 'Your message is still in the box.',
    ...PREVIEW_UI.en,
  },
};

