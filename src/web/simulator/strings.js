// The simulator page's own words, in Vietnamese and English (the bot's words come from the server);
// the "View as" preview's are in preview.js.

import { PREVIEW_UI } from './preview.js';

export const UI = {
  vi: {
    subtitle: 'Trò chuyện thử',
    newResident: 'Người mới',
    newResidentConfirm:
      'Bắt đầu lại như một người mới?\n\nBạn sẽ trò chuyện như một người khác. Trang này sẽ không hiện các bài học và tin nhắn của bạn nữa.',
    langAria: 'EN – đổi ngôn ngữ trang sang tiếng Anh',
    conversation: 'Cuộc trò chuyện',
    viewAs: 'Xem như',
    inputLabel: 'Tin nhắn của bạn',
    placeholder: 'Nhập tin nhắn…',
    send: 'Gửi',
    close: 'Đóng',
    picture: 'Hình minh hoạ',
    openPicture: 'xem ảnh lớn',
    typing: 'Đang trả lời…',
    choices: 'Các lựa chọn',
    networkError: 'Chưa gửi được: không kết nối được máy chủ. Hãy kiểm tra mạng rồi bấm “Gửi lại”.',
    serverError: 'Chưa gửi được',
    keptText: 'Tin của bạn vẫn còn trong ô nhập.',
    retry: 'Gửi lại',
    ...PREVIEW_UI.vi,
  },
  en: {
    subtitle: 'Try the chat',
    newResident: 'New resident',
    newResidentConfirm:
      'Start over as someone new?\n\nYou will chat as a different person. This page will no longer show your lessons and messages.',
    langAria: 'VI – switch the page language to Vietnamese',
    conversation: 'Conversation',
    viewAs: 'View as',
    inputLabel: 'Your message',
    placeholder: 'Type a message…',
    send: 'Send',
    close: 'Close',
    picture: 'Illustration',
    openPicture: 'open full size',
    typing: 'Replying…',
    choices: 'Choices',
    networkError: 'Not sent: could not reach the server. Check the connection, then press “Send again”.',
    serverError: 'Not sent',
    keptText: 'Your message is still in the box.',
    retry: 'Send again',
    ...PREVIEW_UI.en,
  },
};

