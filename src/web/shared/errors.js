// What went wrong with a call to the admin API, in words both staff pages use: by the API's stable
// error code (error.code), or the fallbacks errorText (session.js) picks by HTTP status. A page's
// strings.js adds the codes only it meets (errors: { … }), which take precedence. `network` and
// `bad_answer` are the page's own codes: no answer, or one that was not the API's (session.js api).

export const COMMON_ERRORS = {
  vi: {
    network: 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.',
    bad_answer: 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.',
    unauthenticated: 'Chưa có mã truy cập. Hãy dán mã quản trị viên đã gửi cho bạn.',
    invalid_token: 'Mã truy cập không đúng, đã được thay bằng mã mới, hoặc tài khoản đã bị khoá. Hãy kiểm tra lại mã, hoặc xin quản trị viên mã mới.',
    forbidden: 'Tài khoản của bạn không được làm việc này.',
    malformed_json: 'Máy chủ chưa nhận được yêu cầu này. Hãy tải lại trang rồi thử lại.',
    not_found: 'Không tìm thấy. Hãy tải lại trang.',
    busy: 'Hệ thống đang bận. Thử lại sau ít phút.',
    unavailable: 'Hệ thống đang tạm ngừng. Thử lại sau ít phút.',
    shutting_down: 'Máy chủ đang khởi động lại. Thử lại sau ít phút.',
    internal: 'Máy chủ gặp lỗi. Thử lại sau; nếu vẫn lỗi, hãy báo quản trị viên.',
    server: 'Máy chủ gặp lỗi. Thử lại sau; nếu vẫn lỗi, hãy báo quản trị viên.',
    unknown: 'Có lỗi xảy ra. Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị viên.',
  },
  en: {
    network: 'Could not reach the server. Check the connection and try again.',
    bad_answer: 'Could not reach the server. Check the connection and try again.',
    unauthenticated: 'No access token yet. Paste the one an admin sent you.',
    invalid_token: 'This access token is wrong, was replaced by a new one, or the account was disabled. Check it, or ask an admin for a new one.',
    forbidden: 'Your account may not do this.',
    malformed_json: 'The server could not take this request. Reload the page and try again.',
    not_found: 'Not found. Reload the page.',
    busy: 'The system is busy. Try again in a few minutes.',
    unavailable: 'The system is briefly unavailable. Try again in a few minutes.',
    shutting_down: 'The server is restarting. Try again in a few minutes.',
    internal: 'The server hit an error. Try again later; if it keeps happening, tell an admin.',
    server: 'The server hit an error. Try again later; if it keeps happening, tell an admin.',
    unknown: 'Something went wrong. Try again; if it keeps happening, tell an admin.',
  },
};

/**
 * Words of what session.js draws the same way on both pages (the panel shown while a remembered
 * token is checked, or the server cannot be reached); a page's strings.js may say them its own way.
 */
export const COMMON_WORDS = {
  vi: {
    connecting: 'Đang kết nối máy chủ…',
    connectFailed: 'Chưa kết nối được',
    stillSignedIn: 'Bạn vẫn đang đăng nhập. Trang sẽ tự thử lại khi có mạng.',
    retry: 'Thử lại',
  },
  en: {
    connecting: 'Connecting to the server…',
    connectFailed: 'Not connected yet',
    stillSignedIn: 'You are still signed in. The page will try again by itself when there is a connection.',
    retry: 'Try again',
  },
};
