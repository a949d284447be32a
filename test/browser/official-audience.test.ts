/**
 * Who gets an alert, in the officials' console in a real browser against a real server and Redis
 * (the sample area list, data/areas.sample.json): an official of a province that still has districts
 * (Tỉnh Hà Giang) narrows the audience to one commune by its code in every form the server takes
 * (`00715`, `026/00715`, `02/026/00715`), to a district, or by name; the hint's example is a commune
 * of their own province; a code outside their area is said in Vietnamese, without field paths or
 * file names. A city official (communes directly under the province) does the same. An audience the
 * estimate finds nobody in is not offered "Send". Desk-sized viewport.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { createKeys } from '../../src/store/keys.js';
import { HOUR, seedResidents } from '../broadcast/seed.js';
import { DESK, signInAt, useBrowserPage, WAIT } from '../helpers/browser.js';

const LUNG_CU = { province: '02', district: '026', commune: '00715' };
const DONG_VAN_TOWN = { province: '02', district: '026', commune: '00721' };
const PA_VI = { province: '02', district: '027', commune: '00777' };
const BA_DINH = { province: '01', commune: '00004' };
const SOC_SON = { province: '01', commune: '08980' };
const BA_VI = { province: '01', commune: '09619' };

const t = useBrowserPage(DESK);
let province: string;
let city: string;
let commune: string;

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  const accounts = new AccountStore(t.server.redis, keys);
  province = (await accounts.create({ name: 'Chị Mai', role: 'official', area: { province: '02' } })).token;
  city = (await accounts.create({ name: 'Bà Hoa', role: 'official', area: { province: '01' } })).token;
  commune = (await accounts.create({ name: 'Chị Lan', role: 'official', area: BA_DINH })).token;
  await seedResidents(t.server.redis, keys, [
    { channel: 'messenger', area: LUNG_CU, lastWroteAgo: HOUR },
    { channel: 'zalo', area: LUNG_CU, lastWroteAgo: HOUR },
    { channel: 'messenger', area: DONG_VAN_TOWN, lastWroteAgo: HOUR },
    { channel: 'zalo', area: PA_VI, lastWroteAgo: HOUR },
    { channel: 'messenger', area: BA_DINH, lastWroteAgo: HOUR },
    { channel: 'zalo', area: BA_DINH, lastWroteAgo: HOUR },
    // Phường Ngọc Hà: one resident, who wrote on Messenger three days ago (outside its 24 h window).
    { channel: 'messenger', area: { province: '01', commune: '00008' }, lastWroteAgo: 72 * HOUR },
    // Xã Ba Vì: two residents of the web chat, one of whom last chatted 31 days ago.
    { channel: 'web', area: BA_VI, lastWroteAgo: HOUR },
    { channel: 'web', area: BA_VI, lastWroteAgo: 31 * 24 * HOUR },
  ]);
});

const byId = (id: string) => t.page.getByTestId(id);

async function signIn(token: string, area: string): Promise<void> {
  await signInAt(t.page, t.server.url + '/official/', token);
  await byId('who-area').filter({ hasText: area }).waitFor({ timeout: WAIT });
}

/**
 * The estimate's headline for `total` residents of Zalo and Messenger: this server has no credentials
 * for either, so none of them can be messaged now (the web chat's residents of Ba Vì can).
 */
const matching = (total: number) => `${total} người dân khớp lựa chọn, nhưng chưa ai nhắn được lúc này.`;

/** Type a code into the box and estimate: the total said, or the error shown. */
async function estimateFor(code: string, total: number): Promise<void> {
  await byId('area-code').fill(code);
  await byId('estimate-btn').click();
  await byId('estimate-total').filter({ hasText: matching(total) }).waitFor({ timeout: WAIT });
  expect(await byId('estimate-stale').isVisible()).toBe(false);
}

/** No field path, file name or English server sentence anywhere on the page. */
async function expectNoInternals(): Promise<void> {
  const text = await t.page.locator('body').innerText();
  expect(text).not.toMatch(/audience\.area|areas\.sample\.json|\.json|has no commune|outside your area/);
}

describe('who gets an alert', () => {
  it('a province official where the list still has districts targets one commune by its code, in each form, a district, or by name', async () => {
    await signIn(province, 'Tỉnh Hà Giang');

    // The hint gives an example from her own province, in both forms she may type.
    const hint = await byId('area-code-hint').innerText();
    expect(hint).toContain('00715');
    expect(hint).toContain('026/00715');
    expect(hint).toContain('Xã Lũng Cú');
    expect(hint).not.toContain('00004');

    // The area list, by name: the province, each district with its communes.
    const options = await byId('area').locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent })));
    expect(options).toEqual([
      { value: '02', text: 'Toàn bộ Tỉnh Hà Giang' },
      { value: '02/026', text: 'Toàn bộ Huyện Đồng Văn (026)' },
      { value: '02/026/00715', text: 'Xã Lũng Cú (00715)' },
      { value: '02/026/00721', text: 'Thị trấn Đồng Văn (00721)' },
      { value: '02/027', text: 'Toàn bộ Huyện Mèo Vạc (027)' },
      { value: '02/027/00777', text: 'Xã Pả Vi (00777)' },
    ]);

    // District/commune, as the README says: kept whole, found, counted.
    await estimateFor('026/00715', 2);
    expect(await byId('area-code').inputValue()).toBe('026/00715');
    expect(await byId('area-code-result').innerText()).toBe('Gửi tới: Xã Lũng Cú, Huyện Đồng Văn');
    expect(await byId('area').inputValue()).toBe('02/026/00715');
    // The commune's code alone is enough (commune codes are unique in a province), and the full form works.
    for (const code of ['00715', '02/026/00715', '026 00715']) {
      await byId('area-code').fill(code);
      expect(await byId('area-code-result').innerText()).toBe('Gửi tới: Xã Lũng Cú, Huyện Đồng Văn');
      expect(await byId('estimate-stale').isVisible()).toBe(false); // the same audience as counted
    }
    // A district's code: all of it.
    await estimateFor('027', 1);
    expect(await byId('area-code-result').innerText()).toBe('Gửi tới: Huyện Mèo Vạc');
    // By name, under "Area": the code box steps aside.
    await byId('area').selectOption('02/026/00721');
    expect(await byId('area-code').inputValue()).toBe('');
    await byId('estimate-btn').click();
    await byId('estimate-total').filter({ hasText: matching(1) }).waitFor({ timeout: WAIT });
    await byId('area').selectOption('02');
    await byId('estimate-btn').click();
    await byId('estimate-total').filter({ hasText: matching(4) }).waitFor({ timeout: WAIT });

    // A code that is not hers is said at once, in Vietnamese, and nothing is asked of the server.
    const asked: string[] = [];
    t.page.on('request', (req) => {
      if (req.url().includes('/api/v1/alerts')) asked.push(req.url());
    });
    await byId('area-code').fill('99999');
    expect(await byId('area-code-result').innerText()).toBe('Không có xã/phường hay huyện mã “99999” trong khu vực bạn phụ trách. Hãy kiểm tra lại mã, hoặc chọn ở ô Khu vực.');
    expect(await byId('area-code').getAttribute('aria-invalid')).toBe('true');
    await byId('estimate-btn').click();
    expect(await byId('compose-error').innerText()).toBe('Không có xã/phường hay huyện mã “99999” trong khu vực bạn phụ trách. Hãy kiểm tra lại mã, hoặc chọn ở ô Khu vực.');
    expect(await t.page.evaluate(() => document.activeElement?.id)).toBe('area-code');
    await byId('area-code').fill('00004'); // a commune of Hà Nội
    expect(await byId('area-code-result').innerText()).toContain('“00004”');
    await byId('area-code').fill('0071x');
    expect(await byId('area-code-result').innerText()).toMatch(/^Mã chỉ gồm chữ số/);
    expect(asked).toEqual([]);
    await expectNoInternals();

    // In English, the hint and the answer too.
    await byId('area-code').fill('026/00715');
    await byId('lang').click();
    expect(await byId('area-code-hint').innerText()).toContain('026/00715');
    expect(await byId('area-code-hint').innerText()).toContain('for Xã Lũng Cú');
    expect(await byId('area-code-result').innerText()).toBe('Goes to: Xã Lũng Cú, Huyện Đồng Văn');
    expect(t.pageErrors).toEqual([]);
  });

  it('a city official (communes directly under the city) targets a commune by code or name; the recognition figures follow the same list', async () => {
    await signIn(city, 'Thành phố Hà Nội');
    const hint = await byId('area-code-hint').innerText();
    expect(hint).toContain('00004');
    expect(hint).toContain('Phường Ba Đình');
    expect(hint).not.toContain('/');
    await estimateFor('00004', 2);
    expect(await byId('area-code-result').innerText()).toBe('Gửi tới: Phường Ba Đình');
    await estimateFor('01/00004', 2);
    await byId('area-code').fill('');
    await byId('estimate-btn').click();
    await byId('estimate-total').filter({ hasText: matching(2) }).waitFor({ timeout: WAIT });
    await byId('tab-stats').click();
    expect(await byId('stats-area').locator('option').allInnerTexts()).toContain('Phường Ngọc Hà (00008)');
    expect(t.pageErrors).toEqual([]);
  });

  /** The city official signed in with an alert's text typed; every confirm() is dismissed and kept. */
  async function composeAsCityOfficial(): Promise<string[]> {
    await signIn(city, 'Thành phố Hà Nội');
    const dialogs: string[] = [];
    t.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await byId('text-vi').fill('Cảnh báo: giả danh điện lực gọi điện đòi tiền điện.');
    return dialogs;
  }

  it('an audience the estimate finds nobody in is not offered “Send”: the page says why and what to change', async () => {
    const dialogs = await composeAsCityOfficial();
    // Xã Sóc Sơn has no residents yet.
    await byId('area-code').fill('08980');
    await byId('estimate-btn').click();
    await byId('estimate-total').filter({ hasText: 'Không có người dân nào khớp với lựa chọn này.' }).waitFor({ timeout: WAIT });
    const nobody = 'Không gửi được vì không có ai nhận. Hãy đổi lựa chọn ở “Gửi tới ai” (khu vực rộng hơn, bớt điều kiện) rồi ước tính lại.';
    expect(await byId('send').isDisabled()).toBe(true);
    expect(await byId('send-nobody').innerText()).toBe(nobody);
    expect(await byId('send').getAttribute('aria-describedby')).toBe('send-nobody');
    // Enter in a field does not send it either.
    await byId('area-code').press('Enter');
    expect(dialogs).toEqual([]);

    // Another choice: offered again.
    await byId('area-code').fill('00004');
    expect(await byId('send').isDisabled()).toBe(false);
    expect(await byId('send-nobody').isVisible()).toBe(false);

    // Sent without estimating first (another audience, nobody in it either): counted, found empty,
    // not asked about, not sent.
    await byId('area-code').fill(SOC_SON.commune);
    await byId('channel').selectOption('zalo');
    expect(await byId('send').isDisabled()).toBe(false);
    await byId('send').click();
    await byId('send-nobody').filter({ hasText: nobody }).waitFor({ timeout: WAIT });
    await byId('estimate-total').filter({ hasText: 'Không có người dân nào khớp với lựa chọn này.' }).waitFor({ timeout: WAIT });
    expect(dialogs).toEqual([]);
    expect(await byId('send').isDisabled()).toBe(true);
    expect(await byId('compose-error').isVisible()).toBe(false);
    // In English, the note too.
    await byId('lang').click();
    expect(await byId('send-nobody').innerText()).toBe('Nothing to send: nobody would get it. Change “Who gets it” (a wider area, fewer conditions), then estimate again.');
    await byId('lang').click();
    expect(await byId('detail').isVisible()).toBe(false);
    const alerts = await (await fetch(`${t.server.url}/api/v1/alerts`, { headers: { authorization: `Bearer ${city}` } })).json() as { alerts: { status: string }[] };
    expect(alerts.alerts.map((a) => a.status)).toEqual(['draft']);
    expect(t.pageErrors).toEqual([]);
  });

  it('an audience nobody of which can be messaged now is not offered “Send” either; the estimate comes into view; English counts one resident', async () => {
    const dialogs = await composeAsCityOfficial();
    await byId('area-code').fill('00008');
    await byId('estimate-btn').click();
    await byId('estimate-total').filter({ hasText: matching(1) }).waitFor({ timeout: WAIT });
    expect(await byId('estimate-total').isVisible()).toBe(true);
    const inView = await byId('estimate-total').evaluate((e) => {
      const r = e.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    expect(inView).toBe(true);
    expect(await byId('send').isDisabled()).toBe(true);
    expect(await byId('send-nobody').innerText()).toContain('Không gửi được lúc này: không ai trong số người nhận nhắn được bây giờ');
    await byId('lang').click();
    expect(await byId('estimate-total').innerText()).toBe('1 resident matches, but none can be messaged now.');
    expect(await byId('send-nobody').innerText()).toContain('Nothing to send now');
    await byId('lang').click();
    // Ba Đình's residents wrote an hour ago: offered again.
    await byId('area-code').fill('00004');
    expect(await byId('send').isDisabled()).toBe(false);
    expect(dialogs).toEqual([]);
    expect(t.pageErrors).toEqual([]);
  });

  it('the web chat is a channel of its own: a row named in words, its 30 days explained, and it can be chosen alone', async () => {
    await composeAsCityOfficial();
    await byId('area-code').fill(BA_VI.commune);
    await byId('estimate-btn').click();
    await byId('estimate-total').filter({ hasText: 'Cảnh báo sẽ tới 1 người dân. 1 người khác khớp lựa chọn nhưng chưa nhắn được lúc này.' }).waitFor({ timeout: WAIT });
    // Nobody of Ba Vì is on Zalo or Messenger: no rows of zeros for them.
    const rows = t.page.getByTestId('estimate-row');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.channel))).toEqual(['web']);
    expect(await rows.locator('th').innerText()).toBe('Trang web');
    expect(await rows.locator('td').allInnerTexts()).toEqual(['2', '1', '1']);
    expect(await byId('estimate-why').innerText()).toContain('Trang web: 1 người đã hơn 30 ngày không nhắn tin trên trang web');
    await byId('lang').click();
    expect(await rows.locator('th').innerText()).toBe('Web chat');
    expect(await byId('estimate-why').innerText()).toContain('Web chat: 1 has not written in the web chat for over 30 days');
    await byId('lang').click();

    await byId('channel').selectOption({ label: 'Chỉ trang web Học Số' });
    await byId('estimate-btn').click();
    await byId('estimate-total').filter({ hasText: 'Cảnh báo sẽ tới 1 người dân. 1 người khác khớp lựa chọn nhưng chưa nhắn được lúc này.' }).waitFor({ timeout: WAIT });
    await byId('channel').selectOption('zalo');
    await byId('estimate-btn').click();
    await byId('estimate-total').filter({ hasText: 'Không có người dân nào khớp với lựa chọn này.' }).waitFor({ timeout: WAIT });
    expect(t.pageErrors).toEqual([]);
  });

  it('a commune official has nothing to narrow: no code box, one area', async () => {
    await signIn(commune, 'Phường Ba Đình');
    expect(await byId('area-code').isVisible()).toBe(false);
    expect(await byId('area').isDisabled()).toBe(true);
    expect(await byId('area').locator('option').allInnerTexts()).toEqual(['Toàn bộ Phường Ba Đình, Thành phố Hà Nội']);
    expect(t.pageErrors).toEqual([]);
  });
});
