import { describe, expect, it } from 'vitest';
import { renderMessenger, renderMessengerWithStyle } from '../../src/channels/messenger/render.js';
import { MessengerMessage } from '../../src/channels/messenger/types.js';
import { ellipsize, endsWithNumberedList, splitText } from '../../src/channels/split-text.js';
import { previewReplies } from '../../src/channels/web/preview.js';
import { WebMessageRequest, WebPreviewRequest } from '../../src/channels/web/schema.js';
import { renderZalo, renderZaloWithStyle } from '../../src/channels/zalo/render.js';
import { ZaloMessage } from '../../src/channels/zalo/types.js';
import type { Choice, Reply } from '../../src/engine/types.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { Resident } from '../engine/harness.js';

const url = (path: string) => `https://hocso.example/${path}`;
const choice = (payload: string, label: string): Choice => ({ payload, label });
const numbers = (n: number) => Array.from({ length: n }, (_, i) => choice(`o:q:${i}`, `Ý ${i + 1}`));

/** Every message a renderer makes must be valid for its platform. */
function valid<T>(messages: T[], schema: { parse(v: unknown): unknown }): T[] {
  for (const m of messages) expect(() => schema.parse(m)).not.toThrow();
  return messages;
}
const messenger = (reply: Reply) => valid(renderMessenger(reply, url), MessengerMessage);
const zalo = (reply: Reply) => valid(renderZalo(reply, url), ZaloMessage);

// A 96-character Vietnamese sentence (ends with a period): 20 of them, with spaces, fit in 2000.
const SENTENCE = 'Không bao giờ đọc mã OTP cho người khác qua điện thoại, kể cả người xưng là nhân viên ngân hàng.';
const sentences = (n: number) => Array.from({ length: n }, () => SENTENCE).join(' ');

describe('splitText', () => {
  it('keeps short text whole and drops empty text', () => {
    expect(splitText('  Xin chào!  ', 2000)).toEqual(['Xin chào!']);
    expect(splitText(' \n ', 2000)).toEqual([]);
  });

  it('cuts at paragraphs first, packing as many whole paragraphs as fit', () => {
    expect(splitText('Một hai.\n\nBa bốn.\n\nNăm sáu bảy tám.', 18)).toEqual(['Một hai.\n\nBa bốn.', 'Năm sáu bảy tám.']);
  });

  it('then at line breaks, then at sentence ends, then at spaces', () => {
    expect(splitText('dòng một\ndòng hai\ndòng ba', 17)).toEqual(['dòng một\ndòng hai', 'dòng ba']);
    expect(splitText('Câu một. Câu hai! Câu ba? Hết', 18)).toEqual(['Câu một. Câu hai!', 'Câu ba? Hết']);
    expect(splitText('một hai ba bốn năm sáu', 10)).toEqual(['một hai ba', 'bốn năm', 'sáu']);
  });

  it('cuts a word longer than the limit between whole letters, never inside an accent or emoji', () => {
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(splitText('a👍👍👍', 4)).toEqual(['a👍', '👍👍']);
  });

  it('normalises Vietnamese typed with combining accents (NFD) to NFC before counting', () => {
    const nfd = 'Tiếng Việt'.normalize('NFD');
    expect(nfd.length).toBeGreaterThan(10);
    expect(splitText(nfd, 10)).toEqual(['Tiếng Việt']);
  });

  it('cuts a real long text into parts ≤ 2000 that lose nothing', () => {
    const text = `${sentences(12)}\n\n${sentences(15)}\n\n${sentences(30)}`;
    const parts = splitText(text, 2000);
    expect(SENTENCE).toHaveLength(96);
    expect(parts).toEqual([sentences(12), sentences(15), sentences(20), sentences(10)]);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
  });

  it('ellipsize cuts to the limit with "…"', () => {
    expect(ellipsize('Hỏi con cháu trong nhà đã', 20)).toBe('Hỏi con cháu trong…');
    expect(ellipsize('Danh mục', 20)).toBe('Danh mục');
  });

  it('recognises a text that already ends with the numbered list', () => {
    expect(endsWithNumberedList('Chọn:\n1. Có\n2. Không', 2)).toBe(true);
    expect(endsWithNumberedList('Chọn:\n1. Có\n2. Không', 3)).toBe(false);
    expect(endsWithNumberedList('Chọn một', 1)).toBe(false);
  });
});

describe('renderMessenger', () => {
  it('sends plain text as one message', () => {
    expect(messenger({ text: 'Xin chào bạn!' })).toEqual([{ text: 'Xin chào bạn!' }]);
  });

  it('a link becomes a last, tappable line, before the buttons', () => {
    const link = { url: 'https://dichvucong.gov.vn', label: 'Cổng Dịch vụ công' };
    expect(messenger({ text: 'Mở cổng.', link, choices: [{ payload: 'n:a', label: 'Tiếp' }] })).toEqual([
      { text: 'Mở cổng.\n\n👉 Cổng Dịch vụ công: https://dichvucong.gov.vn', quick_replies: [{ content_type: 'text', title: 'Tiếp', payload: 'n:a' }] },
    ]);
    expect(zalo({ text: 'Mở cổng.', link })).toEqual([{ text: 'Mở cổng.\n\n👉 Cổng Dịch vụ công: https://dichvucong.gov.vn' }]);
  });

  it('splits long text into parts ≤ 2000 and puts the quick replies on the last part', () => {
    const text = `${sentences(15)}\n\n${sentences(15)}`;
    const out = messenger({ text, choices: [choice('n:intro', 'Tiếp tục')] });
    expect(out).toEqual([
      { text: sentences(15) },
      { text: sentences(15), quick_replies: [{ content_type: 'text', title: 'Tiếp tục', payload: 'n:intro' }] },
    ]);
  });

  it('sends the picture first, as its own reusable image attachment', () => {
    expect(messenger({ text: 'Bước 1: Mở ứng dụng ngân hàng.', image: 'media/qr-open-app.png' })).toEqual([
      { attachment: { type: 'image', payload: { url: 'https://hocso.example/media/qr-open-app.png', is_reusable: true } } },
      { text: 'Bước 1: Mở ứng dụng ngân hàng.' },
    ]);
  });

  it('≤ 13 choices with labels ≤ 20 → quick replies with the labels (Vietnamese kept as is)', () => {
    const reply: Reply = {
      text: 'Bạn muốn học gì? Chọn một bài:\n1. Trả tiền bằng mã QR\n2. Mật khẩu và mã OTP',
      choices: [choice('l:qr-payment', 'Trả tiền bằng mã QR'), choice('l:password-otp', 'Mật khẩu và mã OTP')],
    };
    expect(renderMessengerWithStyle(reply, url)).toEqual({
      style: 'quick_replies',
      messages: [
        {
          text: reply.text,
          quick_replies: [
            { content_type: 'text', title: 'Trả tiền bằng mã QR', payload: 'l:qr-payment' },
            { content_type: 'text', title: 'Mật khẩu và mã OTP', payload: 'l:password-otp' },
          ],
        },
      ],
    });
  });

  it('a 25-character label with ≤ 3 choices → button template, titles cut to 20 with "…"', () => {
    const long = 'Hỏi con cháu trong nhà đã';
    expect(long).toHaveLength(25);
    expect(messenger({ text: 'Có người gọi xin mã OTP. Bạn làm gì?', choices: [choice('o:q:0', 'Đọc mã'), choice('o:q:1', long)] })).toEqual([
      {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text: 'Có người gọi xin mã OTP. Bạn làm gì?',
            buttons: [
              { type: 'postback', title: 'Đọc mã', payload: 'o:q:0' },
              { type: 'postback', title: 'Hỏi con cháu trong…', payload: 'o:q:1' },
            ],
          },
        },
      },
    ]);
  });

  it('4 choices with long labels → numbered list in the text and quick replies "1"…"4"', () => {
    const labels = ['Gọi ngay cho ngân hàng của tôi', 'Hỏi người thân trước khi bấm', 'Bấm vào đường link để xem', 'Không làm gì cả'];
    const out = messenger({ text: 'Tin nhắn báo tài khoản bị khoá. Bạn làm gì?', choices: labels.map((l, i) => choice(`o:sms:${i}`, l)) });
    expect(out).toEqual([
      {
        text:
          'Tin nhắn báo tài khoản bị khoá. Bạn làm gì?\n\n' +
          '1. Gọi ngay cho ngân hàng của tôi\n2. Hỏi người thân trước khi bấm\n3. Bấm vào đường link để xem\n4. Không làm gì cả',
        quick_replies: [1, 2, 3, 4].map((n) => ({ content_type: 'text', title: String(n), payload: `o:sms:${n - 1}` })),
      },
    ]);
  });

  it('does not number a list the engine already numbered', () => {
    const labels = ['Gọi ngay cho ngân hàng của tôi', 'Hỏi người thân trước khi bấm', 'Bấm vào đường link để xem', 'Không làm gì cả'];
    const text = `Bạn làm gì?\n\n${labels.map((l, i) => `${i + 1}. ${l}`).join('\n')}`;
    const out = renderMessengerWithStyle({ text, choices: labels.map((l, i) => choice(`o:q:${i}`, l)) }, url);
    expect(out).toEqual({
      style: 'numbered',
      messages: [{ text, quick_replies: [0, 1, 2, 3].map((i) => ({ content_type: 'text', title: String(i + 1), payload: `o:q:${i}` })) }],
    });
  });

  it('3 choices with a long label but text over 640 → numbered list instead of a button template', () => {
    const text = sentences(7);
    expect(text.length).toBeGreaterThan(640);
    const out = renderMessengerWithStyle({ text, choices: [choice('a', 'Có'), choice('b', 'Không'), choice('c', 'Hỏi con cháu trong nhà đã')] }, url);
    expect(out.style).toBe('numbered');
    expect(out.messages).toEqual([
      {
        text: `${text}\n\n1. Có\n2. Không\n3. Hỏi con cháu trong nhà đã`,
        quick_replies: ['a', 'b', 'c'].map((payload, i) => ({ content_type: 'text', title: String(i + 1), payload })),
      },
    ]);
  });

  it('14 choices → numbered list of all 14, quick replies for the first 13 only', () => {
    const out = messenger({ text: 'Chọn một:', choices: numbers(14) });
    const list = Array.from({ length: 14 }, (_, i) => `${i + 1}. Ý ${i + 1}`).join('\n');
    expect(out).toEqual([
      {
        text: `Chọn một:\n\n${list}`,
        quick_replies: Array.from({ length: 13 }, (_, i) => ({ content_type: 'text', title: String(i + 1), payload: `o:q:${i}` })),
      },
    ]);
  });

  it('image + long text + choices: image, then the parts, quick replies on the last', () => {
    const out = messenger({ text: sentences(25), image: 'media/sms-intro.png', choices: [choice('n:intro', 'Tiếp tục')] });
    expect(out.map((m) => Object.keys(m).sort().join(','))).toEqual(['attachment', 'text', 'quick_replies,text']);
    expect(out.slice(1)).toEqual([
      { text: sentences(20) },
      { text: sentences(5), quick_replies: [{ content_type: 'text', title: 'Tiếp tục', payload: 'n:intro' }] },
    ]);
  });
});

describe('renderZalo', () => {
  it('≤ 5 choices with short labels → oa.query.hide buttons under the text', () => {
    expect(renderZaloWithStyle({ text: 'Bạn đã sẵn sàng chưa?', choices: [choice('n:intro', 'Tiếp tục'), choice('c:menu', 'Danh mục')] }, url)).toEqual({
      style: 'buttons',
      messages: [
        {
          text: 'Bạn đã sẵn sàng chưa?',
          attachment: {
            type: 'template',
            payload: {
              buttons: [
                { title: 'Tiếp tục', type: 'oa.query.hide', payload: 'n:intro' },
                { title: 'Danh mục', type: 'oa.query.hide', payload: 'c:menu' },
              ],
            },
          },
        },
      ],
    });
  });

  it('6 choices → the numbered list only; the resident types the number', () => {
    const out = renderZaloWithStyle({ text: 'Chọn một:', choices: numbers(6) }, url);
    expect(out.style).toBe('numbered');
    expect(zalo({ text: 'Chọn một:', choices: numbers(6) })).toEqual([
      { text: 'Chọn một:\n\n1. Ý 1\n2. Ý 2\n3. Ý 3\n4. Ý 4\n5. Ý 5\n6. Ý 6' },
    ]);
  });

  it('≤ 5 choices with a 25-character label → numbered list, buttons titled "1", "2"', () => {
    expect(zalo({ text: 'Bạn làm gì?', choices: [choice('o:q:0', 'Đọc mã'), choice('o:q:1', 'Hỏi con cháu trong nhà đã')] })).toEqual([
      {
        text: 'Bạn làm gì?\n\n1. Đọc mã\n2. Hỏi con cháu trong nhà đã',
        attachment: {
          type: 'template',
          payload: {
            buttons: [
              { title: '1', type: 'oa.query.hide', payload: 'o:q:0' },
              { title: '2', type: 'oa.query.hide', payload: 'o:q:1' },
            ],
          },
        },
      },
    ]);
  });

  it('image + short text → one media message with the text as caption', () => {
    expect(zalo({ text: 'Bước 1: Mở ứng dụng ngân hàng.', image: 'media/qr-open-app.png' })).toEqual([
      {
        text: 'Bước 1: Mở ứng dụng ngân hàng.',
        attachment: {
          type: 'template',
          payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://hocso.example/media/qr-open-app.png' }] },
        },
      },
    ]);
  });

  it('image + long text → the picture alone, then the text', () => {
    const text = sentences(4);
    expect(text.length).toBeGreaterThan(300);
    expect(zalo({ text, image: 'media/x.png' })).toEqual([
      { attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://hocso.example/media/x.png' }] } } },
      { text },
    ]);
  });

  it('image + short text + buttons → the picture alone, then the text with its buttons', () => {
    const out = zalo({ text: 'Xem hình.', image: 'media/x.png', choices: [choice('n:a', 'Tiếp tục')] });
    expect(out).toEqual([
      { attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://hocso.example/media/x.png' }] } } },
      { text: 'Xem hình.', attachment: { type: 'template', payload: { buttons: [{ title: 'Tiếp tục', type: 'oa.query.hide', payload: 'n:a' }] } } },
    ]);
  });

  it('text over 2000 is split (Zalo rejects it, it does not truncate)', () => {
    expect(zalo({ text: sentences(45) })).toEqual([{ text: sentences(20) }, { text: sentences(20) }, { text: sentences(5) }]);
  });
});

describe('the menu on Zalo', () => {
  it('is one numbered list, the buttons\' own, so the number a resident types is the one they read', () => {
    const r = new Resident(loadLessonsOrThrow(resolveFlowsDir('flows')));
    r.tap('l:password-otp');
    r.send('menu');
    const menu = r.last.replies.at(-1)!;
    expect(menu.choices!.length).toBeGreaterThan(5);
    const { messages, style } = renderZaloWithStyle(menu, url);
    expect(style).toBe('numbered');
    const text = messages.map((m) => m.text ?? '').join('\n');
    const listed = text.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(listed).toHaveLength(menu.choices!.length);
    expect(listed[0]).toBe('1. ▶ Học tiếp');
    expect(listed.at(-1)).toBe(`${menu.choices!.length}. 🔎 Kiểm tra tin nhắn`);
    r.send('1');
    expect(r.state!.current?.flowId).toBe('password-otp');
    expect(r.state!.screen).toBe('lesson');
  });
});

describe('previewReplies', () => {
  it('renders web replies for both platforms, passing image URLs through', () => {
    const out = previewReplies([
      { text: 'Bước 1.', imageUrl: '/media/qr-open-app.png', choices: [{ payload: 'n:open-app', label: 'Tiếp tục' }] },
    ]);
    expect(out).toEqual({
      messenger: [
        { attachment: { type: 'image', payload: { url: '/media/qr-open-app.png', is_reusable: true } } },
        { text: 'Bước 1.', quick_replies: [{ content_type: 'text', title: 'Tiếp tục', payload: 'n:open-app' }] },
      ],
      zalo: [
        { attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: '/media/qr-open-app.png' }] } } },
        { text: 'Bước 1.', attachment: { type: 'template', payload: { buttons: [{ title: 'Tiếp tục', type: 'oa.query.hide', payload: 'n:open-app' }] } } },
      ],
    });
  });
});

describe('web schemas', () => {
  it('accepts a start, a text and a payload message', () => {
    expect(WebMessageRequest.parse({ userId: 'r-1.a:b_c' })).toEqual({ userId: 'r-1.a:b_c' });
    expect(WebMessageRequest.safeParse({ userId: 'u', text: 'menu', messageId: 'm1' }).success).toBe(true);
    expect(WebMessageRequest.safeParse({ userId: 'u', payload: 'c:menu' }).success).toBe(true);
  });

  it('rejects unsafe ids, oversized fields and unknown keys', () => {
    for (const body of [
      { userId: '' },
      { userId: 'a b' },
      { userId: 'x'.repeat(129) },
      { userId: 'u', text: 'x'.repeat(4001) },
      { userId: 'u', payload: 'x'.repeat(1001) },
      { userId: 'u', messageId: 'x'.repeat(129) },
      { userId: 'u', extra: 1 },
    ]) {
      expect(WebMessageRequest.safeParse(body).success, JSON.stringify(body).slice(0, 40)).toBe(false);
    }
  });

  it('a preview request carries at least one reply', () => {
    expect(WebPreviewRequest.safeParse({ replies: [] }).success).toBe(false);
    expect(WebPreviewRequest.safeParse({ replies: [{ text: 'a' }] }).success).toBe(true);
  });
});
