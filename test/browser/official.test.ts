/**
 * The official console in a real browser (Debian's chromium) against a real server: real Redis,
 * the shipped lessons and quiz bank, the real admin API, the in-process BullMQ workers, and
 * Messenger and Zalo faked at the HTTP boundary (test/broadcast/fake-platforms.ts). Residents are
 * seeded as the conversation leaves them (test/broadcast/seed.ts); one of them then answers the
 * alert's "try it" through a signed Messenger webhook. Desk-sized viewport.
 *
 * An official signs in, writes an alert with a picture and a scam type, sees it as Zalo and as
 * Messenger show it, estimates its audience, sends it, watches the progress reach done and reads the
 * results (live over server-sent events, and by polling when the stream is blocked); an alert over
 * the approval threshold waits for a second official, who approves it from the approval queue; a
 * draft is saved, edited and cancelled; the recognition chart matches the API; the audit trail says
 * who did what; EN switches every part. (Narrowing the audience by area: official-audience.test.ts.)
 *
 * HOCSO_SCREENSHOTS=1 also saves the README's screenshot to docs/official-console.png.
 */
import { createHmac, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { addressed, DEFAULT_ADDRESS } from '../../src/engine/address.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { BANK_SCAM_TYPES } from '../../src/flows/schema.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { createKeys } from '../../src/store/keys.js';
import { FakePlatforms, TOKENS } from '../broadcast/fake-platforms.js';
import { DAY, HOUR, seedResidents, waitUntil, type Seeded } from '../broadcast/seed.js';
import { DESK, expectWrongTokenRefused, signInAt, useBrowserPage, WAIT } from '../helpers/browser.js';

const SCREENSHOT = process.env.HOCSO_SCREENSHOTS === '1' ? 'docs/official-console.png' : '/tmp/official-console.png';

const HERE = { province: '01', commune: '00004' };
const NEIGHBOURS = { province: '01', commune: '00008' };
/** Above this many residents an alert waits for a second official. */
const THRESHOLD = 4;

const fake = new FakePlatforms();
// Up before the server, which is given its address; down after it (afterAll hooks run in reverse).
beforeAll(() => fake.start());
afterAll(() => fake.close());
const t = useBrowserPage(DESK, {
  server: () => ({ env: { ...fake.env(), BROADCAST_APPROVAL_THRESHOLD: String(THRESHOLD), BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO: '0' } }),
});
let lan: { token: string; id: string };
let tung: { token: string; id: string };
/** The seeded residents, by role in the story. */
let r: Record<'mOk' | 'mOld' | 'mBlocked' | 'zOk' | 'zCharged' | 'zOld' | 'zOff' | 'mElsewhere', Seeded>;

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  const accounts = new AccountStore(t.server.redis, keys);
  const a = await accounts.create({ name: 'Chị Lan', role: 'official', area: HERE });
  const b = await accounts.create({ name: 'Anh Tùng', role: 'official', area: HERE });
  lan = { token: a.token, id: a.account.id };
  tung = { token: b.token, id: b.account.id };

  // Quiz histories for the recognition chart: bank scams recognised 3 times in 4, OTP requests never.
  const bank = loadLessonsOrThrow(resolveFlowsDir('flows')).bank;
  const itemOf = (type: string) => `bank/${[...bank.values()].find((i) => i.scamType === type && i.verdict === 'scam')!.id}`;
  const seeded = await seedResidents(t.server.redis, keys, [
    { channel: 'messenger', area: HERE, lastWroteAgo: 1 * HOUR, quiz: { [itemOf('bank')]: { right: 3, wrong: 1 } } },
    { channel: 'messenger', area: HERE, lastWroteAgo: 30 * HOUR }, // Messenger's 24 h window closed
    { channel: 'messenger', area: HERE, lastWroteAgo: 2 * HOUR, unreachable: true }, // blocked the Page
    { channel: 'zalo', area: HERE, lastWroteAgo: 1 * HOUR, quiz: { [itemOf('otp')]: { right: 0, wrong: 2 } } },
    { channel: 'zalo', area: HERE, lastWroteAgo: 3 * DAY, locale: 'en' }, // Zalo: allowed, charged
    { channel: 'zalo', area: HERE, lastWroteAgo: 8 * DAY }, // Zalo's 7-day window closed
    { channel: 'zalo', area: HERE, lastWroteAgo: 1 * HOUR, alertsOff: true },
    { channel: 'messenger', area: NEIGHBOURS, lastWroteAgo: 1 * HOUR }, // another commune
  ]);
  const [mOk, mOld, mBlocked, zOk, zCharged, zOld, zOff, mElsewhere] = seeded as [Seeded, Seeded, Seeded, Seeded, Seeded, Seeded, Seeded, Seeded];
  r = { mOk, mOld, mBlocked, zOk, zCharged, zOld, zOff, mElsewhere };
});

const byId = (id: string) => t.page.getByTestId(id);

const signIn = (token: string, on: Page = t.page) => signInAt(on, t.server.url + '/official/', token);

/** Accept the next confirm() and keep its question. */
function acceptNextDialog(on: Page = t.page): Promise<string> {
  return new Promise((resolve) => {
    on.once('dialog', (d: Dialog) => {
      resolve(d.message());
      void d.accept();
    });
  });
}

/** A resident writes to the Page (or taps a quick reply): a signed Messenger webhook, as Meta sends it. */
async function messengerSays(user: string, text: string, payload?: string): Promise<void> {
  const now = Date.now();
  const message = { mid: `m-${randomInt(1e9)}`, text, ...(payload ? { quick_reply: { payload } } : {}) };
  const body = Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: '1', time: now, messaging: [{ sender: { id: user }, recipient: { id: '1' }, timestamp: now, message }] }] }));
  const res = await fetch(`${t.server.url}/webhooks/messenger`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', TOKENS.MESSENGER_APP_SECRET).update(body).digest('hex')}` },
    body: new Uint8Array(body),
  });
  expect(res.status).toBe(200);
}

type QuickReply = { title: string; payload: string };
const quickRepliesTo = (user: string): QuickReply[] =>
  fake.delivered.filter((d) => d.channel === 'messenger' && d.user === user).flatMap((d) => (d.message.quick_replies as QuickReply[] | undefined) ?? []);

async function api(method: string, path: string, token: string): Promise<Record<string, any>> {
  const res = await fetch(`${t.server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Record<string, any>;
}

/** Nothing the page wrote came out as a programming value. */
async function expectNoJunk(): Promise<void> {
  expect(await t.page.locator('#app').innerText()).not.toMatch(/\bnull\b|\bundefined\b|\bNaN\b|\[object /);
}

/** The alert on show in the detail view. */
const shownAlertId = () => t.page.evaluate(() => document.querySelector('[data-testid="detail"]')?.getAttribute('data-alert') ?? '');
const value = async (testId: string) => Number(await byId(testId).getAttribute('data-value'));

describe('official console', () => {
  it('a wrong token is refused in the page’s words (not the server’s English), and nothing is remembered', async () => {
    await expectWrongTokenRefused(t.page, { serverUrl: t.server.url, path: '/official/', storageKey: 'hocso.official.token' });
    expect(t.pageErrors).toEqual([]);
  });

  it('/official redirects to the console; a coach’s token is turned away', async () => {
    const res = await fetch(`${t.server.url}/official`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/official/');

    const coach = await new AccountStore(t.server.redis, createKeys(t.server.prefix)).create({ name: 'Anh Minh', role: 'coach', area: { province: '01', commune: '00004' } });
    await signIn(coach.token);
    await byId('signin-error').filter({ hasText: 'không gửi được cảnh báo' }).waitFor({ timeout: WAIT });
    expect(await t.page.evaluate(() => localStorage.getItem('hocso.official.token'))).toBeNull();
  });

  it('compose: name and area, counts, the scam types of the quiz bank, a picture checked before upload, previews as Zalo and Messenger; EN', async () => {
    await signIn(lan.token);
    await byId('who').filter({ hasText: 'Xin chào, Chị Lan' }).waitFor({ timeout: WAIT });
    expect(await byId('who-area').innerText()).toBe('Phụ trách: Phường Ba Đình, Thành phố Hà Nội');

    // Every field has a label; every visible button is at least 44 px high.
    const unlabelled = await t.page.evaluate(() =>
      Array.from(document.querySelectorAll('#app input, #app select, #app textarea'))
        .filter((f) => !(f as HTMLInputElement).labels?.length && !f.getAttribute('aria-label'))
        .map((f) => f.id || f.outerHTML));
    expect(unlabelled).toEqual([]);
    const small = await t.page.evaluate(() =>
      Array.from(document.querySelectorAll('button')).filter((b) => b.offsetParent !== null && b.getBoundingClientRect().height < 44).map((b) => b.textContent));
    expect(small).toEqual([]);

    // Sending without a text says what is missing.
    await byId('send').click();
    expect(await byId('compose-error').innerText()).toBe('Hãy viết nội dung tiếng Việt của cảnh báo.');

    const text = 'Có người gọi điện xưng là công an, yêu cầu chuyển tiền để “xác minh”. Công an không bao giờ yêu cầu chuyển tiền qua điện thoại.';
    await byId('text-vi').fill(text);
    expect(await byId('count-vi').innerText()).toMatch(new RegExp(`^${text.length} / \\d+ ký tự$`));

    // "Would you recognise it?": the quiz bank's scam types, by their Vietnamese names.
    await byId('try-scam').check();
    const types = await byId('scam-type').locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent })));
    expect(types.map((o) => o.value).filter(Boolean)).toEqual([...BANK_SCAM_TYPES]);
    expect(types.find((o) => o.value === 'police')?.label).toBe('Giả danh công an, toà án');
    await byId('scam-type').selectOption('police');

    // The previews: what the bot will send, drawn by the Zalo and Messenger renderers.
    const zalo = byId('preview-zalo');
    const messenger = byId('preview-messenger');
    await zalo.getByText('Thử nhận biết').waitFor({ timeout: WAIT });
    const zaloText = await zalo.innerText();
    expect(zaloText).toContain('⚠️ Cảnh báo lừa đảo từ');
    expect(zaloText).toContain(text);
    expect(zaloText).toContain('Bạn có nhận ra kiểu lừa này không? Thử vài tin nhắn mẫu nhé.');
    await messenger.getByText('Thử nhận biết').waitFor({ timeout: WAIT });
    expect(await messenger.innerText()).toContain(text);
    // Zalo draws choices as buttons under the message, Messenger as quick replies.
    expect(await zalo.locator('.zbtn').allInnerTexts()).toEqual(['Thử nhận biết', 'Danh mục']);
    expect(await messenger.locator('.pill').allInnerTexts()).toEqual(['Thử nhận biết', 'Danh mục']);
    // Word for word what the bot says (locales) to a resident addressed as "bạn", also for a lesson instead of a practice.
    const locale = JSON.parse(readFileSync('locales/vi/translation.json', 'utf8')) as { alert: { try_line: string; lesson_line: string } };
    const said = { alert: { try_line: addressed(locale.alert.try_line, DEFAULT_ADDRESS, 'vi'), lesson_line: addressed(locale.alert.lesson_line, DEFAULT_ADDRESS, 'vi') } };
    expect(zaloText).toContain(said.alert.try_line);
    await byId('try-lesson').check();
    await byId('try-lesson-select').selectOption({ index: 1 });
    await zalo.getByText(said.alert.lesson_line).waitFor({ timeout: WAIT });
    expect(await zalo.innerText()).not.toContain(said.alert.try_line);
    await byId('try-scam').check();
    await zalo.getByText('Thử nhận biết').waitFor({ timeout: WAIT });

    // A picture over 1 MB is refused before any upload; a small one shows as a thumbnail and in the previews.
    await byId('image').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(1.5 * 1024 * 1024) });
    expect(await byId('image-error').innerText()).toMatch(/^Ảnh nặng 1,5 MB, quá giới hạn 1 MB\. /);
    expect(await byId('image-preview').isVisible()).toBe(false);
    await byId('image').setInputFiles({ name: 'tin-nhan.png', mimeType: 'image/png', buffer: PNG });
    await byId('image-preview').waitFor({ timeout: WAIT });
    expect(await byId('image-error').isVisible()).toBe(false);
    expect(await byId('image-thumb').getAttribute('alt')).toBe('Ảnh đính kèm: tin-nhan.png');
    await zalo.locator('img.pm-img').waitFor({ timeout: WAIT });
    await messenger.locator('img.pm-img').waitFor({ timeout: WAIT });

    // The English version, and the page in English.
    await byId('text-en').fill('Someone calls claiming to be the police.');
    await byId('preview-en').click();
    await zalo.getByText('Try it').waitFor({ timeout: WAIT });
    expect(await zalo.innerText()).toContain("⚠️ Scam alert from the People's Committee of Phường Ba Đình:");
    await byId('lang').click();
    expect(await byId('tab-queue').innerText()).toContain('Approval queue');
    expect(await byId('count-vi').innerText()).toMatch(/characters$/);
    expect(await t.page.evaluate(() => document.documentElement.lang)).toBe('en');

    // On a tablet: one column, nothing wider than the screen.
    await t.page.setViewportSize({ width: 768, height: 1024 });
    expect(await t.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    // A reload keeps her signed in (in English); "Sign out" forgets the token.
    await t.page.reload();
    await byId('who').filter({ hasText: 'Hello, Chị Lan' }).waitFor({ timeout: WAIT });
    await byId('signout').click();
    expect(await byId('signin-panel').isVisible()).toBe(true);
    expect(await t.page.evaluate(() => localStorage.getItem('hocso.official.token'))).toBeNull();
    expect(t.pageErrors).toEqual([]);
  });

  it('estimate, send to a small audience, watch it reach done, read the results (with a resident who tried the practice)', async () => {
    await signIn(lan.token);
    await byId('who').waitFor({ timeout: WAIT });
    const text = 'Cảnh báo: kẻ gian gọi video giả danh công an, nói bạn liên quan đến một vụ án và yêu cầu chuyển tiền “để xác minh”. Công an không làm việc qua điện thoại: hãy cúp máy và báo công an phường.';
    await byId('text-vi').fill(text);
    await byId('try-scam').check();
    await byId('scam-type').selectOption('police');
    // A screenshot of the scam call, as an official would attach it.
    await byId('image').setInputFiles({ name: 'cuoc-goi.png', mimeType: 'image/png', buffer: readFileSync('flows/media/quiz/police-holding-account.vi.png') });
    await byId('channel').selectOption('messenger');
    const msgrBubble = byId('preview-messenger').locator('.pm-bubble').filter({ hasText: text });
    await msgrBubble.waitFor({ timeout: WAIT });
    expect(await byId('preview-messenger').locator('.pill').allInnerTexts()).toEqual(['Thử nhận biết', 'Danh mục']);
    const previewed = await msgrBubble.innerText();

    // The estimate, per channel, with the residents the platforms' rules keep out explained.
    await byId('estimate-btn').click();
    // The headline counts who gets it: the two Messenger residents out of reach are named beside them.
    await byId('estimate-total').filter({ hasText: 'Cảnh báo sẽ tới 1 người dân. 2 người khác khớp lựa chọn nhưng chưa nhắn được lúc này.' }).waitFor({ timeout: WAIT });
    const row = t.page.locator('[data-testid="estimate-row"][data-channel="messenger"]');
    expect(await row.locator('td').allInnerTexts()).toEqual(['3', '1', '2']);
    const why = await byId('estimate-why').innerText();
    expect(why).toContain('Messenger: 1 người chưa nhắn được vì đã hơn 24 giờ họ không nhắn cho trang.');
    expect(why).toContain('Messenger: 1 người đã chặn hoặc bỏ theo dõi tài khoản của xã');
    expect(await byId('estimate-approval').count()).toBe(0);
    expect(await t.page.locator('[data-testid="estimate-row"][data-channel="zalo"]').count()).toBe(0); // only Messenger was chosen
    await expectNoJunk();
    // The README's picture: the whole console at a desk, the form beside its previews, with the estimate.
    await byId('preview-zalo').locator('img.pm-img').evaluate((img) => (img as HTMLImageElement).decode());
    const height = await t.page.evaluate(() => document.documentElement.scrollHeight);
    await t.page.setViewportSize({ width: 1280, height });
    await t.page.screenshot({ path: SCREENSHOT });
    await t.page.setViewportSize({ width: 1280, height: 900 });

    // Send: asked once, with the count; then the live progress (server-sent events) until done.
    const streams: string[] = [];
    t.page.on('request', (req) => {
      if (req.url().includes('/events?')) streams.push(req.url());
    });
    // Messenger holds its answer for a moment: the page shows the resident still waiting.
    fake.hold();
    const question = acceptNextDialog();
    await byId('send').click();
    expect(await question).toBe('Gửi cảnh báo này tới 1 người dân? 2 người khác chưa nhắn được lúc này nên sẽ không nhận. Sau khi gửi không sửa được nội dung.');
    await byId('detail-notice').filter({ hasText: 'Đã bắt đầu gửi cảnh báo.' }).waitFor({ timeout: WAIT });
    const id = await shownAlertId();
    expect(id).toMatch(/^[a-z0-9]{12}$/);
    await byId('progress').waitFor({ timeout: WAIT });
    try {
      await t.page.locator('[data-testid="progress-notReachableNow"][data-value="2"]').waitFor({ timeout: WAIT });
      await t.page.locator('[data-testid="progress-waiting"][data-value="1"]').waitFor({ timeout: WAIT });
      expect(await byId('progress-mode').innerText()).toBe('Cập nhật trực tiếp');
      expect(Number(await byId('progress-bar').getAttribute('aria-valuenow'))).toBe(66);
      expect(await byId('results').isVisible()).toBe(false);
    } finally {
      fake.release();
    }
    await byId('detail-status').filter({ hasText: 'Đã gửi xong' }).waitFor({ timeout: 30_000 });
    await byId('results').waitFor({ timeout: 30_000 });
    expect(await byId('progress-bar').getAttribute('aria-valuenow')).toBe('100');
    expect(await value('progress-sent')).toBe(1);
    expect(await value('progress-notReachableNow')).toBe(2);
    expect(await value('progress-failed')).toBe(0);
    expect(await value('result-sent')).toBe(1);
    expect(await byId('progress-text').innerText()).toBe('100% · 3 / 3 người đã xử lý');
    expect(streams[0]).toBe(`${t.server.url}/api/v1/alerts/${id}/events?token=${encodeURIComponent(lan.token)}`);
    await expectNoJunk();

    // What Messenger got is what the preview showed: the picture, then the text with its quick replies.
    const got = fake.delivered.filter((d) => d.channel === 'messenger' && d.user === r.mOk.user);
    expect(got.some((d) => JSON.stringify(d.message).includes(`/alerts/${id}/image`))).toBe(true);
    expect(got.map((d) => d.message.text)).toContain(previewed);
    expect(fake.delivered.filter((d) => d.user === r.mOld.user || d.user === r.mBlocked.user)).toEqual([]);

    // The resident taps "Thử nhận biết" and answers the first example message.
    await messengerSays(r.mOk.user, 'Thử nhận biết', 't:police');
    await waitUntil('the practice asks its first question', () => quickRepliesTo(r.mOk.user).some((q) => q.title === 'Lừa đảo'), 20_000);
    const answer = quickRepliesTo(r.mOk.user).findLast((q) => q.title === 'Lừa đảo')!;
    await messengerSays(r.mOk.user, 'Lừa đảo', answer.payload);
    await waitUntil('the answer is counted', async () => {
      const res = await api('GET', `/alerts/${id}/results`, lan.token);
      return res.opened === 1 && res.recognised + res.missed === 1;
    }, 20_000);

    // The alert again from the list: the results now count the practice.
    await byId('tab-alerts').click();
    const item = t.page.locator(`[data-testid="alert-item"][data-id="${id}"]`);
    await item.waitFor({ timeout: WAIT });
    expect(await item.getByTestId('alert-status').innerText()).toBe('Đã gửi xong');
    await item.getByTestId('open-alert').click();
    await t.page.locator('[data-testid="result-opened"][data-value="1"]').waitFor({ timeout: WAIT });
    expect((await value('result-recognised')) + (await value('result-missed'))).toBe(1);
    expect(await value('result-shown')).toBe(1);
    const actions = await byId('audit-entry').evaluateAll((es) => es.map((e) => e.getAttribute('data-action')));
    expect(actions).toEqual(['created', 'submitted', 'done']);
    expect(await byId('audit').innerText()).toContain('Chị Lan bấm gửi');
    expect(t.pageErrors).toEqual([]);
  }, 60_000);

  it('over the threshold it waits for a second official, who approves it from the approval queue', async () => {
    await signIn(lan.token);
    await byId('who').waitFor({ timeout: WAIT });
    const text = 'Cảnh báo: tin nhắn xin mã OTP “để nhận quà”. Không đọc mã OTP cho ai.';
    await byId('text-vi').fill(text);
    await byId('try-scam').check();
    await byId('scam-type').selectOption('otp');
    await byId('estimate-btn').click();
    await byId('estimate-total').filter({ hasText: 'Cảnh báo sẽ tới 3 người dân. 3 người khác khớp lựa chọn nhưng chưa nhắn được lúc này.' }).waitFor({ timeout: WAIT });
    expect(await byId('estimate-approval').innerText()).toBe(`Trên ${THRESHOLD} người: cần một cán bộ khác phụ trách khu vực này duyệt trước khi gửi.`);
    expect(await t.page.locator('[data-testid="estimate-row"][data-channel="zalo"] td').allInnerTexts()).toEqual(['3', '2', '1']);
    expect(await byId('estimate').innerText()).toContain('1 người đã tắt cảnh báo lừa đảo');

    const question = acceptNextDialog();
    await byId('send').click();
    expect(await question).toBe('Gửi cảnh báo này tới 3 người dân? 3 người khác chưa nhắn được lúc này nên sẽ không nhận. Sau khi gửi không sửa được nội dung.');
    const notice = byId('detail-notice');
    await notice.filter({ hasText: 'Chưa gửi' }).waitFor({ timeout: WAIT });
    expect(await notice.innerText()).toBe(`Chưa gửi: cảnh báo tới 6 người, quá ${THRESHOLD} người là mức một cán bộ được tự gửi. Một cán bộ khác phụ trách khu vực này cần vào mục “Chờ duyệt” để duyệt. Khi được duyệt, hệ thống sẽ tự gửi.`);
    await byId('detail-status').filter({ hasText: 'Chờ duyệt' }).waitFor({ timeout: WAIT });
    const id = await shownAlertId();
    // Its author cannot approve it: not in her queue, no approve button.
    expect(await byId('detail-approve').count()).toBe(0);
    await byId('tab-queue').click();
    await byId('queue').getByText('Không có cảnh báo nào đang chờ bạn duyệt.').waitFor({ timeout: WAIT });

    // Anh Tùng, on his own computer: the queue shows it; he approves it; it goes out.
    const tungContext = await t.browser.newContext(DESK);
    const tungPage = await tungContext.newPage();
    tungPage.on('pageerror', (err) => t.pageErrors.push(err.message));
    try {
      await signIn(tung.token, tungPage);
      await tungPage.getByTestId('queue-badge').filter({ hasText: '1' }).waitFor({ timeout: WAIT });
      await tungPage.getByTestId('tab-queue').click();
      const queued = tungPage.locator(`[data-testid="queue-item"][data-id="${id}"]`);
      await queued.waitFor({ timeout: WAIT });
      expect(await queued.innerText()).toContain(text);
      expect(await queued.innerText()).toContain('Soạn bởi Chị Lan');
      const approveQuestion = acceptNextDialog(tungPage);
      await queued.getByTestId('approve').click();
      expect(await approveQuestion).toBe('Duyệt và gửi cảnh báo này tới khoảng 6 người dân?');
      await tungPage.getByTestId('queue-status').filter({ hasText: 'Đã duyệt. Cảnh báo đang được gửi.' }).waitFor({ timeout: WAIT });
      expect(await tungPage.locator('[data-testid="queue-item"]').count()).toBe(0);
    } finally {
      await tungContext.close();
    }

    // Chị Lan watches it go out: Messenger 1 and Zalo 2 sent; 3 not reachable now. Her network
    // does not let the event stream through, so the page polls instead.
    await t.page.route('**/events?*', (route) => route.abort());
    const polls: string[] = [];
    t.page.on('request', (req) => {
      if (req.url().endsWith(`/alerts/${id}/progress`)) polls.push(req.url());
    });
    await byId('tab-alerts').click();
    await t.page.locator(`[data-testid="alert-item"][data-id="${id}"] [data-testid="open-alert"]`).click();
    await byId('detail-status').filter({ hasText: 'Đã gửi xong' }).waitFor({ timeout: 30_000 });
    await byId('results').waitFor({ timeout: 30_000 });
    expect(await value('progress-sent')).toBe(3);
    expect(await value('progress-notReachableNow')).toBe(3);
    expect(await byId('progress-mode').innerText()).toBe('Đã gửi xong');
    expect(polls.length).toBeGreaterThan(0);
    await expectNoJunk();
    expect(fake.textsTo('zalo', r.zCharged.user).join('\n')).toContain("Scam alert from the People's Committee of Phường Ba Đình");
    expect(fake.delivered.filter((d) => d.user === r.zOff.user || d.user === r.zOld.user || d.user === r.mElsewhere.user)).toEqual([]);

    // The audit trail: who did what, and when.
    const entries = await byId('audit-entry').evaluateAll((es) => es.map((e) => ({ action: e.getAttribute('data-action'), text: (e as HTMLElement).innerText })));
    expect(entries.map((e) => e.action)).toEqual(['created', 'submitted', 'approved', 'done']);
    expect(entries[1]!.text).toContain('Chị Lan gửi đi để duyệt');
    expect(entries[1]!.text).toContain('→ Chờ duyệt');
    expect(entries[2]!.text).toContain('Anh Tùng duyệt');
    expect(entries[3]!.text).toContain('hệ thống gửi xong');
    expect(await byId('detail-approvals').innerText()).toBe('Anh Tùng');
    expect(entries[0]!.text).toMatch(/\d{1,2}:\d{2}:\d{2}/);

    // In English, the same page.
    await byId('lang').click();
    expect(await byId('detail-status').innerText()).toBe('Sent');
    expect(await byId('audit').innerText()).toContain('Anh Tùng approved it');
    expect(await byId('progress-legend').innerText()).toContain('Not reachable now');
    expect(t.pageErrors).toEqual([]);
  }, 60_000);

  it('an alert cancelled while a colleague had it in the queue: the refused approval says so and the queue shows it gone', async () => {
    const api = (method: string, path: string, token: string, body?: unknown) =>
      fetch(`${t.server.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then(async (res) => ({ status: res.status, json: (await res.json()) as { alert?: { id: string; status: string } } }));
    const created = await api('POST', '/alerts', lan.token, { text: { vi: 'Cảnh báo sẽ bị huỷ trong lúc chờ duyệt.' }, audience: { area: HERE } });
    const id = created.json.alert!.id;
    expect((await api('POST', `/alerts/${id}/submit`, lan.token)).json.alert!.status).toBe('pending_approval');

    await signIn(tung.token);
    await byId('who').waitFor({ timeout: WAIT });
    await byId('tab-queue').click();
    const queued = t.page.locator(`[data-testid="queue-item"][data-id="${id}"]`);
    await queued.waitFor({ timeout: WAIT });
    // Meanwhile Chị Lan cancels it.
    expect((await api('POST', `/alerts/${id}/cancel`, lan.token)).status).toBe(200);
    const question = acceptNextDialog();
    await queued.getByTestId('approve').click();
    await question;
    await byId('queue-status').filter({ hasText: 'không còn chờ duyệt' }).waitFor({ timeout: WAIT });
    await queued.waitFor({ state: 'detached', timeout: WAIT });
    expect(t.pageErrors).toEqual([]);
  });

  it('a draft is saved, found in the list, edited and cancelled', async () => {
    await signIn(lan.token);
    await byId('who').waitFor({ timeout: WAIT });
    await byId('text-vi').fill('Bản nháp: giả shipper gọi thu tiền hàng không đặt.');
    await byId('try-lesson').check();
    await byId('try-lesson-select').selectOption('after-scam');
    await byId('save-draft').click();
    await byId('compose-status').filter({ hasText: 'Đã lưu bản nháp.' }).waitFor({ timeout: WAIT });
    expect(await byId('draft-badge').innerText()).toBe('Đang sửa bản nháp');
    // The lesson is its button in the preview.
    await byId('preview-zalo').locator('.zbtn').filter({ hasText: 'Lỡ bị lừa: làm gì?' }).waitFor({ timeout: WAIT });
    expect(await byId('preview-zalo').locator('.zbtn').allInnerTexts()).toEqual(['Lỡ bị lừa: làm gì?', 'Danh mục']);

    await byId('tab-alerts').click();
    const item = byId('alert-item').filter({ hasText: 'Bản nháp: giả shipper' });
    await item.waitFor({ timeout: WAIT });
    expect(await item.getByTestId('alert-status').innerText()).toBe('Bản nháp');
    await item.getByTestId('open-alert').click();

    // "Edit draft" brings it back into the form; the change is saved to the same draft.
    await byId('edit').click();
    expect(await byId('text-vi').inputValue()).toBe('Bản nháp: giả shipper gọi thu tiền hàng không đặt.');
    expect(await byId('try-lesson-select').inputValue()).toBe('after-scam');
    await byId('text-vi').fill('Bản nháp: giả shipper gọi thu tiền hàng bạn không đặt. Đừng chuyển khoản.');
    await byId('try-scam').check();
    await byId('scam-type').selectOption('delivery');
    await byId('save-draft').click();
    await byId('compose-status').filter({ hasText: 'Đã lưu bản nháp.' }).waitFor({ timeout: WAIT });
    await byId('tab-alerts').click();
    await item.getByTestId('open-alert').click();
    await byId('detail-text').filter({ hasText: 'Đừng chuyển khoản.' }).waitFor({ timeout: WAIT });
    expect(await byId('detail-body').innerText()).toContain('Giả shipper, giao hàng');
    const question = acceptNextDialog();
    await byId('cancel').click();
    expect(await question).toBe('Huỷ cảnh báo này? Những người chưa nhận sẽ không nhận nữa.');
    await byId('detail-status').filter({ hasText: 'Đã huỷ' }).waitFor({ timeout: WAIT });
    expect(await byId('detail-notice').innerText()).toBe('Đã huỷ cảnh báo.');
    expect(await byId('cancel').count()).toBe(0);
    expect(await byId('audit-entry').evaluateAll((es) => es.map((e) => e.getAttribute('data-action')))).toEqual(['created', 'edited', 'cancelled']);
    await expectNoJunk();
    expect(t.pageErrors).toEqual([]);
  }, 60_000);

  it('the recognition chart: per scam type, the share of right answers in the area, as the API counts them', async () => {
    await signIn(lan.token);
    await byId('who').waitFor({ timeout: WAIT });
    await byId('tab-stats').click();
    await byId('stats-chart').waitFor({ timeout: WAIT });
    const stats = await api('GET', '/stats/recognition', lan.token);
    const bars = await byId('stats-bar').evaluateAll((gs) => gs.map((g) => ({ type: g.getAttribute('data-type'), share: g.getAttribute('data-share') })));
    expect(bars.map((b) => b.type).sort()).toEqual([...BANK_SCAM_TYPES].sort());
    for (const s of stats.byScamType as { scamType: string; share: number | null }[]) {
      expect(bars.find((b) => b.type === s.scamType)?.share).toBe(s.share === null ? '' : String(Math.round(s.share * 100)));
    }
    expect(bars.find((b) => b.type === 'bank')?.share).toBe('75');
    expect(bars.find((b) => b.type === 'otp')?.share).toBe('0');
    // Weakest first, and said in words.
    expect(bars[0]!.type).toBe('otp');
    expect(await byId('stats-weakest').innerText()).toBe('Người dân dễ bị lừa nhất bởi: Xin mã OTP. Nên ưu tiên cảnh báo kiểu này.');
    expect(await t.page.locator('[data-testid="stats-chart"] title').first().textContent()).toBe('Biểu đồ tỉ lệ nhận ra đúng theo kiểu lừa');
    await expectNoJunk();
    expect(t.pageErrors).toEqual([]);
  });
});

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
