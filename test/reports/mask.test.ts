/** Masking a reported message (src/reports/mask.ts): what is hidden, and what officials still see. */
import { describe, expect, it } from 'vitest';
import { hasMaskOrDigits, maskText } from '../../src/reports/mask.js';

const m = (text: string) => maskText(text).text;

describe('phone numbers', () => {
  it.each([
    ['Gọi ngay 0912345678 để được hỗ trợ', 'Gọi ngay [SĐT] để được hỗ trợ'],
    ['Gọi ngay 0912 345 678 để được hỗ trợ', 'Gọi ngay [SĐT] để được hỗ trợ'],
    ['Liên hệ 0912.345.678', 'Liên hệ [SĐT]'],
    ['Liên hệ 091-234-5678 gấp', 'Liên hệ [SĐT] gấp'],
    ['Zalo +84912345678 nhé', 'Zalo [SĐT] nhé'],
    ['Zalo +84 912 345 678 nhé', 'Zalo [SĐT] nhé'],
    ['Gọi (+84) 98-765-4321', 'Gọi [SĐT]'],
    ['Số máy bàn 024 3825 1234', 'Số máy bàn [SĐT]'],
    ['SĐT:0387654321.', 'SĐT:[SĐT].'],
  ])('%s', (text, masked) => {
    expect(m(text)).toBe(masked);
  });

  it('keeps 1900 / 1800 service numbers (a business\'s, and evidence)', () => {
    expect(m('Tổng đài 1900 545 413 hoặc 18001234')).toBe('Tổng đài 1900 545 413 hoặc 18001234');
  });

  it('counts what it masked', () => {
    expect(maskText('Gọi 0912345678 hoặc 0987654321').counts).toMatchObject({ phone: 2, account: 0 });
  });
});

describe('bank accounts, cards, IDs and codes', () => {
  it.each([
    ['Chuyển vào STK 0123456789 Vietcombank', 'Chuyển vào STK [STK] Vietcombank'],
    ['số tài khoản: 1903 5678 9012 34 Techcombank', 'số tài khoản: [STK] Techcombank'],
    ['So tai khoan la 19035678901234', 'So tai khoan la [STK]'],
    ['Nộp vào tài khoản 1903456789012 ngay', 'Nộp vào tài khoản [STK] ngay'],
    ['Thẻ 4111 1111 1111 1111 của bạn bị khoá', 'Thẻ [STK] của bạn bị khoá'],
    ['card number 4111-1111-1111-1111', 'card number [STK]'],
    ['Mã đơn 123456789012345 đã giao', 'Mã đơn [STK] đã giao'],
    ['CCCD 001203004567 hết hạn', 'CCCD [CCCD] hết hạn'],
    ['Số CMND: 123456789', 'Số CMND: [CCCD]'],
    ['căn cước công dân số 036 185 000 123', 'căn cước công dân số [CCCD]'],
    ['Đọc giúp em 079123456789 nhé', 'Đọc giúp em [CCCD] nhé'],
    ['Mã OTP của bạn là 123456. Không chia sẻ.', 'Mã OTP của bạn là [mã]. Không chia sẻ.'],
    ['Ma xac thuc: 8841', 'Ma xac thuc: [mã]'],
    ['Your code is 123 456', 'Your code is [mã]'],
    ['mã bảo mật 55213 gửi lại cho em', 'mã bảo mật [mã] gửi lại cho em'],
  ])('%s', (text, masked) => {
    expect(m(text)).toBe(masked);
  });
});

describe('emails and names', () => {
  it.each([
    ['Gửi hồ sơ về hotro.vcb@gmail.com trước 5h', 'Gửi hồ sơ về [email] trước 5h'],
    ['Chào anh Nguyễn Văn An, tài khoản của anh bị khoá', 'Chào anh [tên], tài khoản của anh bị khoá'],
    ['Em Lan đây, chuyển giúp em', 'Em [tên] đây, chuyển giúp em'],
    ['Bà Trần Thị Hoa trúng thưởng', 'Bà [tên] trúng thưởng'],
    ['Kính gửi ông PHAM VAN DUC', 'Kính gửi ông [tên]'],
    ['Hello Mr John Smith', 'Hello Mr [tên]'],
    ['Dear Mrs. Jones', 'Dear Mrs. [tên]'],
    ['Người nhận: lê văn tám', 'Người nhận: [tên]'],
    ['chủ TK: NGUYEN VAN BINH', 'chủ TK: [tên]'],
    ['tên Đỗ Minh Khôi, lớp 5A', 'tên [tên], lớp 5A'],
    ['Họ và tên: Vũ Thị Mai', 'Họ và tên: [tên]'],
    ['name: john smith; ok', 'name: [tên]; ok'],
  ])('%s', (text, masked) => {
    expect(m(text)).toBe(masked);
  });

  it('leaves honorifics that are not followed by a name', () => {
    expect(m('Anh ơi, chị có nhà không? Em gửi bà con')).toBe('Anh ơi, chị có nhà không? Em gửi bà con');
  });
});

describe('what officials still see', () => {
  it.each([
    'Đăng nhập tại https://vcb-secure.example/login?id=123456789 để mở khoá',
    'Truy cập vietcombank-vn.top ngay',
    'Vào hxxps://dichvucong-gov.example/xac-minh/0912345678',
    'Xem tại vcb [.] com-vn [.] xyz',
    'Nhận quà tại www.shopee-qua-tang.example/ma/88812345',
  ])('links and domains stay whole: %s', (text) => {
    expect(m(text)).toBe(text);
  });

  it.each([
    'Bạn trúng 50.000.000đ, nộp phí 500.000 VND',
    'Phí mở khoá 2 triệu, nạp trước 500k',
    'Lãi 1,500,000 VNĐ mỗi ngày, tổng 15000000 VND',
    'Hoàn tiền 3tr cho đơn hàng',
    'Fee $2.50 or 100 USD',
  ])('amounts of money stay: %s', (text) => {
    expect(m(text)).toBe(text);
  });

  it('a whole scam message', () => {
    const text =
      'VIETCOMBANK: Kính gửi anh Nguyễn Văn Bình, tài khoản 0071000123456 của anh bị tạm khoá do chưa cập nhật CCCD 001203004567. ' +
      'Vui lòng truy cập vcb-secure.example và nhập mã OTP 482913 trong 24h, hoặc gọi 0912.345.678. Phí 50.000đ.';
    expect(m(text)).toBe(
      'VIETCOMBANK: Kính gửi anh [tên], tài khoản [STK] của anh bị tạm khoá do chưa cập nhật CCCD [CCCD]. ' +
        'Vui lòng truy cập vcb-secure.example và nhập mã OTP [mã] trong 24h, hoặc gọi [SĐT]. Phí 50.000đ.',
    );
  });

  it('a text with nothing personal is unchanged; private-use characters cannot smuggle anything through', () => {
    expect(m('Điện lực thông báo lịch cắt điện ngày 02/12 từ 08:30')).toBe('Điện lực thông báo lịch cắt điện ngày 02/12 từ 08:30');
    expect(m('\ue000 gọi 0912345678 \ue001')).toBe(' gọi [SĐT] ');
  });

  it('hasMaskOrDigits tells phrases that may carry something personal', () => {
    expect(hasMaskOrDigits('tạm khoá')).toBe(false);
    expect(hasMaskOrDigits('gọi [SĐT]')).toBe(true);
    expect(hasMaskOrDigits('trong 24h')).toBe(true);
  });

  it('stays fast on long, number-heavy text', () => {
    const text = '1.1.1.1 0 0 0 '.repeat(150) + 'a'.repeat(500);
    const start = performance.now();
    maskText(text);
    expect(performance.now() - start).toBeLessThan(200);
  });
});
