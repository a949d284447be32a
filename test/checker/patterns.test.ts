/**
 * Every word/pattern sign in flows/checker/patterns.yaml fires on an example in Vietnamese with
 * diacritics, without them, and in English (where the sign has English words), and quotes the exact
 * words. A sign added to the data without an example here fails the coverage test.
 */
import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/checker/check.js';
import { rules } from './shipped-rules.js';

/** [vi, vi without diacritics, en?] per sign. */
const EXAMPLES: Record<string, [string, string, string?]> = {
  'ask.otp': ['Anh đọc giúp em mã OTP vừa gửi nhé', 'anh doc giup em ma vua gui nhe', 'Please read me the 6-digit code'],
  'ask.password': ['Nhập mật khẩu để xác minh', 'nhap mat khau de xac minh', 'Enter your password to continue'],
  'ask.personal-data': ['Gửi cháu ảnh CCCD hai mặt nhé', 'gui chau anh cccd nhe', 'Send me photos of your ID card'],
  'ask.link': ['Đăng nhập tại trang này', 'dang nhap tai trang nay', 'Log in at our page'],
  'ask.transfer': ['Chuyển khoản cho em nhé', 'chuyen khoan cho em nhe', 'Please transfer the money'],
  'ask.fee': ['Nộp phí hồ sơ 500k', 'nop phi ho so 500k', 'Pay the processing fee first'],
  'ask.claim-fee': ['Phí nhận giải 2.000.000đ', 'dong phi 350k de nhan qua', 'Pay the 2,000,000 VND fee to claim your prize'],
  'ask.deposit': ['Nạp 300k để kích hoạt', 'nap 300k de kich hoat', 'Deposit now to start'],
  'ask.install': ['Tải ứng dụng này giúp cháu', 'cai ung dung nay giup chau', 'Install the app we sent'],
  'ask.remote': ['Cô bật trợ năng cho ứng dụng', 'co bat tro nang cho ung dung', 'Share your screen with me'],
  'urgent.deadline': ['Thanh toán trong 24h', 'thanh toan trong 24h', 'Pay within 2 hours'],
  'threat.lock': ['Tài khoản sẽ bị khoá', 'tai khoan se bi khoa', 'Your account will be locked'],
  'threat.cutoff': ['Điện sẽ bị ngừng cấp trong 2 giờ tới', 'se cat dien luc 16h, lien he 0900000123', 'Power will be cut tonight, pay now at pay-evn.example'],
  'threat.legal': ['Ông sẽ bị bắt giữ', 'ong se bi bat giu', 'You will be arrested'],
  'context.case': ['Bà liên quan vụ án rửa tiền', 'ba lien quan vu an', 'You are linked to a fraud case'],
  'context.authority-claim': ['Tôi là cán bộ công an phường', 'toi la can bo cong an', "I'm a police officer"],
  'context.secrecy': ['Không được nói với ai', 'khong duoc noi voi ai', 'Tell no one about this'],
  'context.new-number': ['Con đổi số mới rồi', 'con doi so moi roi', 'This is my new number'],
  'context.emergency': ['Con bị tai nạn, mẹ chuyển tiền nhé', 'con bi tai nan, me chuyen tien nhe', 'I had an accident, please transfer money'],
  'context.prize': ['Bạn đã trúng thưởng xe máy', 'ban da trung thuong xe may', 'You have won a motorbike'],
  'context.task': ['Việc nhẹ lương cao cho mẹ bỉm', 'viec nhe luong cao', 'Work from home for us'],
  'context.high-pay': ['Thu nhập 500k/ngày', 'thu nhap 500k/ngay', 'Earn 500k a day'],
  'context.chat-group': ['Kết bạn Zalo để nhận việc', 'ket ban zalo de nhan viec', 'Join our Telegram group'],
  'context.high-return': ['Lãi 15%/tháng', 'lai 15%/thang', 'A profit of 30% per month'],
  'context.guarantee': ['Cam kết không lỗ', 'cam ket khong lo', 'Guaranteed profit'],
  'context.investment': ['Góp vốn đầu tư đất', 'gop von dau tu', 'Invest in crypto'],
  'context.loan': ['Khoản vay đã được duyệt', 'khoan vay da duoc duyet', 'Your loan is approved'],
  'context.easy-loan': ['Vay ngay, chỉ cần CCCD', 'vay ngay, chi can cccd', 'A loan with only your ID'],
  'context.benefit': ['Bạn được hoàn thuế 2 triệu', 'ban duoc ho tro 2 trieu', 'You get a tax refund'],
  'context.refund': ['Đơn hàng lỗi, bạn được hoàn tiền', 'ban duoc hoan tien 350k', 'We will refund your order'],
  'context.vneid': ['Cập nhật VNeID mức 2 tại vneid-capnhat.example', 'cap nhat dinh danh dien tu tai bit.ly/abc', 'Upgrade your VNeID at vneid-up.example'],
  'context.official-sender': ['Điện lực thông báo: nợ tiền điện, gọi 0900000123', 'EVN: lien he ngay 0900000123', 'Power company: call 0900000123 to pay'],
  'ask.press-key': ['Sim sắp bị thu hồi. Bấm phím 1 để gặp tổng đài viên', 'sim se bi khoa, nhan phim 9 de gap tong dai vien', 'Your SIM will be blocked. Press 1 to speak to an operator'],
  'context.customs': ['Hải quan đang giữ kiện hàng', 'hai quan dang giu kien hang', 'Customs is holding the box'],
  'context.romance': ['Em yêu, anh nhớ em', 'em yeu, anh nho em', 'My love, I miss you'],
  'context.account-violation': ['Trang vi phạm tiêu chuẩn cộng đồng', 'trang vi pham tieu chuan cong dong', 'A copyright complaint on your page'],
  'context.biometric': ['Cập nhật sinh trắc học', 'cap nhat sinh trac hoc', 'Update your biometric data'],
  'context.delivery': ['Shipper giao đơn hàng', 'shipper giao don hang', 'Your parcel is here'],
  'context.phone': ['Gọi 0900 000 123', 'goi +84 900 000 123', 'Call 0900000123'],
  'context.account-number': ['STK 1234567890123', 'stk 19001234567', 'Account 12345678'],
  'legit.otp-warning': ['Không cung cấp mã này cho bất kỳ ai', 'khong chia se ma nay voi bat ky ai', 'Never share this code with anyone'],
  'legit.balance': ['TK 123xxx +500,000VND. SD 1,250,000VND', 'so du: 1,250,000 vnd', 'Available balance 3,210,000 VND'],
  'legit.in-person': ['Mời bác đến nhận tại quầy', 'moi bac den nhan tai nha van hoa', 'Collect it at the counter'],
  'legit.own-app': ['Cập nhật trên CH Play', 'thanh toan qua ung dung ngan hang', 'Pay in your banking app'],
  'legit.scam-warning': ['Có kẻ giả danh công an', 'co doi tuong gia danh cong an', 'Criminals are pretending to be police'],
  'legit.no-fee': ['Nhận quà không mất phí', 'nhan qua mien phi', 'Free of charge'],
  'legit.money-sent': ['Con gửi tiền học phí cho em rồi', 'con gui tien hoc phi cho em roi'],
};

const ids = (text: string): string[] => checkMessage(text, rules).signals.map((s) => s.id);
const signal = (text: string, id: string) => checkMessage(text, rules).signals.find((s) => s.id === id);

describe('word and pattern signs', () => {
  it('every sign in patterns.yaml has examples here', () => {
    expect(rules.patterns.map((p) => p.id).sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  for (const [id, examples] of Object.entries(EXAMPLES)) {
    it.each(examples.filter((e): e is string => e !== undefined))(`${id} fires on %s`, (text) => {
      const s = signal(text, id);
      expect(s, `signs: ${ids(text).join(', ')}`).toBeDefined();
      expect(text.normalize('NFC')).toContain(s!.evidence);
      expect(s!.reason.vi.length).toBeGreaterThan(10);
      expect(s!.reason.en.length).toBeGreaterThan(10);
    });
  }
});

describe('how words are matched', () => {
  it('quotes the resident’s own words, diacritics and case kept', () => {
    expect(signal('Bố CHUYỂN GẤP 10 triệu vào tài khoản này', 'ask.transfer')?.evidence).toBe('CHUYỂN GẤP');
    expect(signal('Mẹ chuyen khoan giup con', 'ask.transfer')?.evidence).toBe('chuyen khoan');
  });

  it('matches decomposed (NFD) Vietnamese like composed text', () => {
    expect(ids('Tài khoản sẽ bị khoá'.normalize('NFD'))).toContain('threat.lock');
  });

  it.each([
    ['KHÔNG cung cấp mã này cho ai', 'ask.otp'],
    ['Đừng đọc mã cho ai', 'ask.otp'],
    ['Never share the code with anyone', 'ask.otp'],
    ['Cơ quan công an không gửi link hay yêu cầu cung cấp mã OTP', 'ask.otp'],
    ['Police never ask you to transfer money', 'ask.transfer'],
  ])('does not count a negated request: %s', (text, id) => {
    expect(ids(text)).not.toContain(id);
  });

  it('does not take "nếu không" (otherwise) or another clause for a negation', () => {
    expect(ids('Nếu không đọc mã cho em thì tài khoản bị khoá')).toContain('ask.otp');
    expect(ids('Không sao đâu, anh đọc mã cho em nhé')).toContain('ask.otp');
  });

  it.each([
    ['"gấp đôi" (double) is not urgent', 'Lô đất sẽ lên giá gấp đôi', 'urgent.deadline', 'Con cần gấp tiền'],
    ['"mật khẩu tài khoản" is not "mật khẩu tại"', 'Mật khẩu tài khoản vừa được đổi', 'ask.password', 'Nhập mật khẩu tại trang này'],
    ['"tại quầy hoặc ứng dụng" is not "tải ứng dụng"', 'Thanh toán tại quầy hoặc ứng dụng ngân hàng', 'ask.install', 'Tải ứng dụng tại đây'],
    ['"tại xưởng" (at the workshop) is not "tải xuống"', 'Liên hệ tại xưởng', 'ask.install', 'Tải xuống tệp này'],
    ['"trở nặng" (worse) is not "trợ năng"', 'Bố trở nặng rồi, con về ngay', 'ask.remote', 'Bật trợ năng cho ứng dụng'],
    ['"gửi qua" (send via) is not "gửi quà"', 'Cháu gửi qua Zalo cho cô', 'context.customs', 'Anh gửi quà cho em'],
    ['"mở" (open) is not "mổ" (surgery)', 'Mẹ chuyển tiền để mở khoá thẻ', 'context.emergency', 'Mẹ chuyển tiền để mổ'],
    ['"tải từ App Store" is the safe way', 'Chỉ tải từ App Store', 'ask.install', 'Tải app này về'],
  ])('tells apart words that fold alike: %s', (_name, innocent, id, meant) => {
    expect(ids(innocent)).not.toContain(id);
    expect(ids(meant)).toContain(id);
  });

  it('reads "tai ung dung" written without marks as a download only where "tai" cannot mean "at"', () => {
    for (const text of [
      'Cong an xa thong bao: can cap nhat VNeID muc 2, tai ung dung moi tai link sau',
      'Tai ung dung thue dien tu tai thue-gov-vn.example de nhan tien hoan',
      'Vui long tai app VNeID ban moi theo link',
      'Tải ứng dụng mới tại link sau',
    ]) {
      expect(ids(text), text).toContain('ask.install');
    }
    for (const text of [
      'Quy khach thanh toan tai ung dung ngan hang hoac tai quay truoc 20/1',
      'Xem hoa don tai ung dung EVNCSKH',
      'Thanh toán tại ứng dụng mới của ngân hàng',
      'Ba con chua co VNeID vui long tai ung dung VNeID tren CH Play',
    ]) {
      expect(ids(text), text).not.toContain('ask.install');
    }
  });

  it('takes "không … thì" (if not …, then) for a condition, not a refusal', () => {
    expect(ids('Ông/bà không nộp phí 500k trong hôm nay thì hồ sơ sẽ bị huỷ')).toContain('ask.fee');
    expect(ids('ong ba khong nop phi trong hom nay thi ho so se bi huy')).toContain('ask.fee');
    expect(ids('Bà con không nộp phí cho bất kỳ ai, kể cả người xưng là cán bộ')).not.toContain('ask.fee');
  });

  it('notIfDone: a transfer the message says was made is news, not a request', () => {
    for (const text of [
      'Bố ơi con chuyển cho bố 2 triệu rồi đấy, bố xem tài khoản nhé',
      'Bo oi con da chuyen khoan cho bo 2 trieu, bo kiem tra nhe',
      'Anh ơi em vừa chuyển tiền phân bón cho anh',
      'Con nộp tiền học cho bé rồi.',
    ]) {
      expect(ids(text), text).not.toContain('ask.transfer');
    }
    // A request in another clause still counts; "rồi" that goes on ("… rồi báo mẹ": and then) is no done deed.
    expect(ids('Em vừa chuyển nhầm 5 triệu vào tài khoản chị rồi, chị chuyển lại giúp em nhé')).toContain('ask.transfer');
    expect(ids('Con chuyển khoản xong rồi báo mẹ nhé')).toContain('ask.transfer');
    expect(ids('Mẹ chuyển cho con 2 triệu nhé')).toContain('ask.transfer');
  });

  it('a cut-off is a threat only with a demand, however the words are ordered; planned work is none', () => {
    for (const text of [
      'Điện sẽ bị ngừng cấp trong 2 giờ tới. Liên hệ 0900000123',
      'EVN: dien nha ban se bi ngat trong hom nay. Lien he 0900000123',
      'Sẽ bị ngắt điện sau 17h hôm nay, thanh toán ngay',
      'Điện lực: nhà bạn sẽ bị cúp điện, chuyển khoản tiền điện vào STK 0900000124',
    ]) {
      expect(ids(text), text).toContain('threat.cutoff');
    }
    for (const text of [
      'Điện lực thông báo: tạm ngừng cấp điện để bảo dưỡng lưới điện từ 7h30 đến 11h30 ngày 15/12, liên hệ 0900000125',
      'Dien luc thong bao lich cat dien: tu 8h den 16h ngay 20/12',
      'Điện lực: ngày 12/6 tạm ngừng cấp điện từ 7h đến 11h.',
      'Con goi dien cho bo ba bi ngat roi, bo chuyen tien vien phi nhe',
    ]) {
      expect(ids(text), text).not.toContain('threat.cutoff');
    }
  });

  it('does not read a customer code or a 1900/1800 hotline as an account number', () => {
    expect(ids('Mã khách hàng PA0123456789, tiền điện 280.000đ')).not.toContain('context.account-number');
    expect(ids('Chi tiết gọi 19006769 hoặc 1900545413')).not.toContain('context.account-number');
    expect(ids('Chuyển vào STK0123456789')).toContain('context.account-number');
    expect(ids('Chuyển vào STK 0123456789')).toContain('context.account-number');
  });

  it('requires: an accident story counts only with a money request', () => {
    expect(ids('Con bị tai nạn nhẹ, mẹ đừng lo')).not.toContain('context.emergency');
    expect(ids('Con bị tai nạn, mẹ chuyển khoản gấp')).toContain('context.emergency');
  });

  it('unless: a genuine sign does not count next to a request or a link', () => {
    expect(ids('Mã OTP là 123456. Không cung cấp mã này cho bất kỳ ai.')).toContain('legit.otp-warning');
    expect(ids('Không cung cấp mã này cho bất kỳ ai. Reply with the OTP code you just received.')).not.toContain('legit.otp-warning');
    expect(ids('TK 123xxx +500,000VND. SD 1,250,000VND')).toContain('legit.balance');
    expect(ids('TK 123xxx +500,000VND. SD 1,250,000VND. Chi tiet tai abc-tk.example')).not.toContain('legit.balance');
  });

  it('a fee to claim a prize is one strong sign, not a fee counted twice, and rates the prize scam high', () => {
    for (const text of [
      'Chúc mừng thuê bao 0987654321 trúng thưởng xe SH. Phí nhận giải 2.000.000đ, liên hệ zalo 0911222333',
      'Chuc mung thue bao 0987654321 trung thuong xe SH. Phi nhan giai 2.000.000d, lien he zalo 0911222333',
      'Bạn trúng thưởng iPhone. Đóng phí 500k để nhận quà',
      'Ban trung thuong. Nop phi 300.000d de nhan giai',
      'Chúc mừng bạn trúng giải nhì! Phí nhận thưởng 1 triệu',
      'You have won a motorbike! Pay a 2,000,000 VND fee to claim it.',
    ]) {
      const v = checkMessage(text, rules);
      expect(v.risk, text).toBe('high');
      expect(v.scamType, text).toBe('prize');
      expect(ids(text), text).toContain('ask.claim-fee');
      expect(ids(text), text).not.toContain('ask.fee');
    }
    // Other fees are still ask.fee; a fee the message says is not charged counts for nothing.
    expect(ids('Nộp phí hồ sơ 500k để giải ngân')).toEqual(expect.arrayContaining(['ask.fee']));
    expect(ids('Mời ông đến bộ phận một cửa nộp phí 100.000đ và nhận kết quả')).not.toContain('ask.claim-fee');
    expect(ids('Mời chị nhận giải tại quầy, không mất phí nhận giải')).not.toContain('ask.claim-fee');
    expect(ids('There is no fee to claim your prize')).not.toContain('ask.claim-fee');
  });

  it('does not take the memo of a balance notice for a request to send money', () => {
    for (const text of [
      'ND: Chuyen tien com',
      'Vietcombank: TK 0011xxxx789 +500,000VND luc 10:20 12/03. SD: 2,345,000VND. ND: NGUYEN VAN A chuyen tien com',
      'MB: TK 0500xxxx111 -200.000VND lúc 08:15 01/04. SD: 1.200.000VND. Nội dung: Chuyển tiền điện tháng 3',
      'TPBank: Account 0201xxxx456 +300,000 VND. Balance 4,100,000 VND. Description: transfer from TRAN THI B',
      'Agribank: TK 3500xxxx123 +2,000,000VND. So du: 5,680,000VND. ND: nop tien hoc phi',
    ]) {
      const found = ids(text);
      expect(found, text).not.toContain('ask.transfer');
      expect(found, text).not.toContain('ask.fee');
      if (text !== 'ND: Chuyen tien com') expect(found, text).toContain('legit.balance');
    }
    expect(ids('ND: Chuyen tien com')).toEqual([]);
    // A request after the memo still counts.
    const mistaken = 'VCB: TK 0011xxxx789 +15,000,000VND. SD: 15,420,000VND. ND: chuyen nham. Em chuyen nham, chi chuyen lai giup em 15 trieu vao STK 0900000456 nhe.';
    expect(ids(mistaken)).toContain('ask.transfer');
    expect(ids(mistaken)).not.toContain('legit.balance');
  });

  it('counts each sign once, however often its words appear', () => {
    const v = checkMessage('Gấp gấp gấp! Chuyển gấp trong 24h, ngay hôm nay', rules);
    expect(v.signals.filter((s) => s.id === 'urgent.deadline')).toHaveLength(1);
  });
});

describe('long or hostile input', () => {
  // A rule that can try a long run in many ways (nested or overlapping repeats) would hang here until the
  // test times out, instead of stalling a resident's turn in production.
  it.each([
    ['dotted numbers', `chuyen ${'1.'.repeat(3000)} x`],
    ['many words', `đọc ${'a '.repeat(5000)}mã`],
    ['comma numbers', `doc ${'1,1 '.repeat(3000)}`],
    ['dotted labels', `${'a.'.repeat(3000)}example`],
    ['spaced dots', `${'a . '.repeat(3000)}com`],
    ['digits', '1'.repeat(20000)],
    // Each match is weighed against the words around it (negation, "thì", "rồi"): not against the whole text.
    ['requests said done, no punctuation', 'chuyen cho bo roi '.repeat(2000)],
    ['negated requests, no punctuation', `${'khong nop phi '.repeat(3000)}thi`],
    ['"tai ung dung" over and over', 'tai ung dung '.repeat(3000)],
  ])('checks %s', (_name, text) => {
    expect(checkMessage(text, rules).risk).toMatch(/^(low|medium|high)$/);
  });
});
