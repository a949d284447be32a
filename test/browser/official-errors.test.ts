/**
 * When the server refuses, the officials' console says why in its own words, by the API's stable
 * error code (src/web/shared/errors.js and src/web/official/strings.js `errors`), in Vietnamese or English as the page is, and
 * never shows the server's English message, field paths or file names; a code it does not know
 * gets a general sentence. Real browser, real server and Redis; answers the server cannot be made to
 * give on cue (a replaced area list, a proxy's error page, no answer at all on a reload) are given at
 * the network boundary.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { createKeys } from '../../src/store/keys.js';
import { DESK, signInAt, useBrowserPage, WAIT } from '../helpers/browser.js';

const t = useBrowserPage(DESK);
let token: string;

beforeAll(async () => {
  token = (await new AccountStore(t.server.redis, createKeys(t.server.prefix)).create({ name: 'Chị Mai', role: 'official', area: { province: '02' } })).token;
});

beforeEach(async () => {
  await signInAt(t.page, t.server.url + '/official/', token);
  await byId('who').filter({ hasText: 'Chị Mai' }).waitFor({ timeout: WAIT });
});

const byId = (id: string) => t.page.getByTestId(id);

/** The estimate is answered with `status` and `body` instead of by the server. */
async function estimateAnswers(status: number, body: string, contentType = 'application/json'): Promise<void> {
  await t.page.route((url) => url.pathname === '/api/v1/alerts/estimate', (route) => route.fulfill({ status, contentType, body }));
}

async function expectNoInternals(...serverMessages: string[]): Promise<void> {
  const text = await t.page.locator('body').innerText();
  for (const m of serverMessages) expect(text).not.toContain(m);
  expect(text).not.toMatch(/audience\.area|\.json\b|has no commune/);
}

describe('the server’s refusals, in the console’s words', () => {
  it('editing a draft a colleague cancelled meanwhile: said in Vietnamese, then in English after EN', async () => {
    await byId('text-vi').fill('Cảnh báo: giả danh điện lực gọi điện đòi tiền.');
    await byId('save-draft').click();
    await byId('compose-status').filter({ hasText: 'Đã lưu bản nháp.' }).waitFor({ timeout: WAIT });
    const list = (await (await fetch(`${t.server.url}/api/v1/alerts`, { headers: { authorization: `Bearer ${token}` } })).json()) as { alerts: { id: string }[] };
    const id = list.alerts[0]!.id;
    const cancelled = await fetch(`${t.server.url}/api/v1/alerts/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(cancelled.status).toBe(200);

    const refused = t.page.waitForResponse((res) => res.url().endsWith(`/api/v1/alerts/${id}`) && res.request().method() === 'PATCH');
    await byId('text-vi').fill('Cảnh báo: giả danh điện lực gọi điện đòi tiền điện.');
    await byId('save-draft').click();
    const answer = await refused;
    expect(answer.status()).toBe(409);
    const server409 = ((await answer.json()) as { error: { code: string; message: string } }).error;
    expect(server409.code).toBe('not_a_draft');
    await byId('compose-error').waitFor({ timeout: WAIT });
    expect(await byId('compose-error').innerText()).toBe('Chưa lưu được: Cảnh báo này không còn là bản nháp (đã được gửi đi hoặc đã bị huỷ) nên không sửa được nữa. Hãy mở lại danh sách cảnh báo.');
    await expectNoInternals(server409.message);

    await byId('lang').click();
    expect(await byId('compose-error').innerText()).toBe('Could not save: This alert is no longer a draft (it was sent or cancelled), so it cannot be changed. Open the list of alerts again.');
    await expectNoInternals(server409.message);
    expect(t.pageErrors).toEqual([]);
  });

  it('an area the server no longer knows (the list was replaced meanwhile), a code it never told us of, a proxy’s error page', async () => {
    const unknownArea = 'audience.area.commune: Tỉnh Hà Giang (02) has no commune 00715 in data/areas.sample.json';
    await estimateAnswers(400, JSON.stringify({ error: { code: 'unknown_area', message: unknownArea, details: { field: 'audience.area.commune' } } }));
    await byId('area-code').fill('00715');
    await byId('estimate-btn').click();
    await byId('compose-error').waitFor({ timeout: WAIT });
    expect(await byId('compose-error').innerText()).toBe('Chưa ước tính được: Khu vực này không có trong danh sách đơn vị hành chính của hệ thống. Hãy kiểm tra lại mã xã/phường.');
    await expectNoInternals(unknownArea);

    await t.page.unrouteAll();
    const novel = 'area_retired: commune 00715 merged into 00721 (see data/areas.sample.json)';
    await estimateAnswers(400, JSON.stringify({ error: { code: 'area_retired', message: novel } }));
    await byId('estimate-btn').click();
    await byId('compose-error').filter({ hasText: 'Có lỗi xảy ra' }).waitFor({ timeout: WAIT });
    expect(await byId('compose-error').innerText()).toBe('Chưa ước tính được: Có lỗi xảy ra. Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị viên.');
    await expectNoInternals(novel);
    await byId('lang').click();
    expect(await byId('compose-error').innerText()).toBe('Could not estimate: Something went wrong. Try again; if it keeps happening, tell an admin.');
    await byId('lang').click();

    await t.page.unrouteAll();
    await estimateAnswers(502, '<html><body>502 Bad Gateway (nginx)</body></html>', 'text/html');
    await byId('estimate-btn').click();
    await byId('compose-error').filter({ hasText: 'Máy chủ gặp lỗi' }).waitFor({ timeout: WAIT });
    expect(await byId('compose-error').innerText()).toBe('Chưa ước tính được: Máy chủ gặp lỗi. Thử lại sau; nếu vẫn lỗi, hãy báo quản trị viên.');
    await expectNoInternals('HTTP 502', 'nginx');
    expect(t.pageErrors).toEqual([]);
  });
});

describe('a reload while the server cannot be reached (the sign-in code the coach page shares)', () => {
  it('stays signed in, says so in the console’s language, and “Thử lại” gets back in', async () => {
    await t.page.route((url) => url.pathname === '/api/v1/me', (route) => route.abort('internetdisconnected'));
    await t.page.reload();
    await byId('connecting-error').waitFor({ timeout: WAIT });
    expect(await byId('connecting-error').innerText()).toBe('Chưa kết nối được: Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.');
    expect(await byId('signin-panel').isVisible()).toBe(false);
    expect(await t.page.evaluate(() => localStorage.getItem('hocso.official.token'))).toBe(token);
    await t.page.unrouteAll();
    await byId('connecting-retry').click();
    await byId('who').filter({ hasText: 'Chị Mai' }).waitFor({ timeout: WAIT });
    expect(t.pageErrors).toEqual([]);
  });
});
