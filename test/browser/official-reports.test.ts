/**
 * The official console's "Reports" tab in a real browser (Debian's chromium) against a real server:
 * real Redis, the shipped lessons and checker, the real admin API. Reports come in two ways: earlier
 * days are written through the real ReportStore with a clock of its own (so the chart has days to
 * show), and today a resident checks and reports a message on the web channel, consenting.
 *
 * An official sees the groups of her area with their counts (24 h / 7 days / total), the chart of
 * reports per day, the masked sample, the signs and the websites; opens the latest reports; makes a
 * draft alert from a group, which opens in the compose tab with the text and match fields filled,
 * edits a match phrase and saves it; the group then shows the draft; the pool of residents who gave
 * no commune; everything in English too.
 *
 * HOCSO_SCREENSHOTS=1 also saves the README's screenshot to docs/official-reports.png.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { maskText } from '../../src/reports/mask.js';
import { ReportStore, type NewReport } from '../../src/reports/store.js';
import { createKeys } from '../../src/store/keys.js';
import { DAY, waitUntil } from '../broadcast/seed.js';
import { DESK, signInAt, useBrowserPage, WAIT } from '../helpers/browser.js';
import { WebResident } from '../helpers/web-client.js';

const SCREENSHOT = process.env.HOCSO_SCREENSHOTS === '1' ? 'docs/official-reports.png' : '/tmp/official-reports.png';

const LUNG_CU = { province: '02', district: '026', commune: '00715' };
const WAVE = 'Vietcombank: Tài khoản của anh Nguyễn Văn Bình bị tạm khoá. Đăng nhập tại vcb-secure.example để mở khoá trong 24h. Gọi 0912345678';
const PRIZE = 'Chúc mừng bạn trúng thưởng xe máy SH! Nộp phí 500.000đ vào STK 1903456789012 để nhận giải tại trungthuong-sh.example';

const t = useBrowserPage(DESK);
let lan: { token: string; id: string };

function report(text: string, anonId: string, area: NewReport['area'], extra: Partial<NewReport> = {}): NewReport {
  return {
    anonId, area, text: maskText(text).text, risk: 'high', scamType: 'bank', domains: ['vcb-secure.example'], phrases: ['tạm khoá'],
    signals: [{ id: 'threat.lock', vi: 'Tin doạ khoá tài khoản.', en: 'It threatens to lock your account.' }], ...extra,
  };
}

beforeAll(async () => {
  const keys = createKeys(t.server.prefix);
  const a = await new AccountStore(t.server.redis, keys).create({ name: 'Chị Lan', role: 'official', area: LUNG_CU });
  lan = { token: a.token, id: a.account.id };

  // Earlier days, through the store itself with its own clock: the wave three and one days ago, a prize scam two days ago.
  let at = Date.now() - 3 * DAY;
  const past = new ReportStore(t.server.redis, keys, () => at);
  await past.add(report(WAVE.replace('0912345678', '0987654321'), 'r1', LUNG_CU));
  at = Date.now() - 2 * DAY;
  await past.add(report(PRIZE, 'r2', LUNG_CU, {
    risk: 'medium', scamType: 'prize', domains: ['trungthuong-sh.example'], phrases: ['trúng thưởng'],
    signals: [{ id: 'ask.fee', vi: 'Tin bắt nộp phí trước để nhận thưởng.', en: 'It asks for a fee before you get the prize.' }],
  }));
  at = Date.now() - DAY - 3_600_000;
  await past.add(report(WAVE.replace('Nguyễn Văn Bình', 'Trần Thị Hoa'), 'r3', LUNG_CU));
  await past.add(report('Nhận quà Tết tại qua-tet.example, chỉ cần nhập số thẻ', 'r4', undefined, { domains: ['qua-tet.example'], scamType: 'prize' }));

  // Today: a resident of Lũng Cú checks the wave on the web channel and reports it.
  const r = new WebResident(t.server.url);
  await r.post({});
  await r.say('đổi xã');
  await r.say('Lũng Cú');
  await r.say('kiểm tra tin nhắn');
  await r.say(WAVE);
  await r.tap('c:report');
  await r.tap('c:report:yes');
  const today = new ReportStore(t.server.redis, keys);
  await waitUntil('the web report stored', async () => (await today.list({ province: '02', path: '02/026/00715' }, { limit: 5, offset: 0 })).groups[0]?.counts.total === 3, 10_000);
});

const byId = (id: string) => t.page.getByTestId(id);

async function openReports(): Promise<void> {
  await signInAt(t.page, t.server.url + '/official/', lan.token);
  await byId('who').filter({ hasText: 'Chị Lan' }).waitFor({ timeout: WAIT });
  await byId('tab-reports').click();
  await byId('report-group').first().waitFor({ timeout: WAIT });
}

async function api(method: string, path: string): Promise<Record<string, any>> {
  const res = await fetch(`${t.server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${lan.token}` } });
  return (await res.json()) as Record<string, any>;
}

describe('the Reports tab', () => {
  it('groups of the area with counts, a chart per day, the masked sample, signs and websites, as the API counts them; the latest reports', async () => {
    await openReports();
    const groups = byId('report-group');
    expect(await groups.count()).toBe(2);
    expect(await byId('reports-status').innerText()).toBe('2 nhóm tin trong 30 ngày qua');
    const wave = groups.first();
    expect(await wave.getAttribute('data-id')).toBe('02-1');
    const fromApi = (await api('GET', '/reports/groups')).groups[0];
    expect(await wave.getByTestId('report-24h').innerText()).toContain(String(fromApi.counts.last24h));
    expect(await wave.getByTestId('report-7d').innerText()).toBe(`${fromApi.counts.last7d}\n7 ngày qua`);
    expect(await wave.getByTestId('report-total').innerText()).toBe('3\nTổng');
    expect(fromApi.counts).toMatchObject({ last7d: 3, total: 3 });

    // The chart: 14 days, the bars' counts as the API's days, the counts in words for screen readers.
    const bars = wave.getByTestId('report-chart').locator('rect');
    expect(await bars.count()).toBe(14);
    expect(await bars.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-count'))))).toEqual(fromApi.days.map((d: { count: number }) => d.count));
    expect(await wave.getByTestId('report-chart').getAttribute('aria-label')).toMatch(/^Số tin báo mỗi ngày, 14 ngày qua: /);

    const sample = await wave.getByTestId('report-sample').innerText();
    expect(sample).toContain('[tên]');
    expect(sample).toContain('[SĐT]');
    expect(sample).not.toMatch(/0987|Bình/);
    expect(await wave.getByTestId('report-domain').allInnerTexts()).toEqual(['vcb-secure.example']);
    expect(await wave.getByTestId('report-risk').innerText()).toBe('Rất có thể là lừa đảo');
    expect(await wave.getByTestId('report-type').innerText()).toBe('Giả danh ngân hàng');
    expect(await wave.getByTestId('report-signs').innerText()).toContain('Tin doạ khoá tài khoản.');

    // The latest reports of the group, masked, newest first.
    await wave.locator('details summary').click();
    const recent = wave.getByTestId('report-recent').locator('li');
    await waitUntil('the latest reports', async () => (await recent.count()) === 3, WAIT);
    expect((await recent.allInnerTexts()).join('\n')).not.toMatch(/0912345678|Hoa\b/);

    // The prize group is second (fewer reports in the last 24 hours), marked as suspicious.
    expect(await groups.nth(1).getByTestId('report-risk').innerText()).toBe('Đáng ngờ');
    expect(await groups.nth(1).getByTestId('report-sample').innerText()).toContain('500.000đ');

    const small = await t.page.evaluate(() =>
      Array.from(document.querySelectorAll('#tab-reports button, #tab-reports summary')).filter((b) => (b as HTMLElement).offsetParent !== null && b.getBoundingClientRect().height < 44).map((b) => b.textContent));
    expect(small).toEqual([]);
    await t.page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(await t.page.locator('#app').innerText()).not.toMatch(/\bnull\b|\bundefined\b|\bNaN\b|\[object /);
    expect(t.pageErrors).toEqual([]);
  });

  it('"Make a draft alert" opens the draft in the compose tab with the sample, the scam type and the match fields; edits are saved; the group shows the draft', async () => {
    await openReports();
    const wave = byId('report-group').first();
    await wave.getByTestId('report-draft').click();
    await byId('draft-badge').waitFor({ timeout: WAIT });
    expect(await byId('tab-compose').getAttribute('aria-pressed')).toBe('true');
    expect(await byId('compose-status').innerText()).toBe('Đã tạo bản nháp từ tin dân báo. Hãy đọc lại, sửa nếu cần, rồi gửi.');
    const text = await byId('text-vi').inputValue();
    expect(text).toContain('⚠️ Cảnh báo lừa đảo');
    expect(text).toContain('vcb-secure.example');
    expect(text).toContain('[SĐT]');
    expect(await byId('scam-type').inputValue()).toBe('bank');
    expect(await byId('match-domains').inputValue()).toBe('vcb-secure.example');
    expect(await byId('match-phrases').inputValue()).toContain('tạm khoá');

    // The official adds a phrase and saves: the draft keeps its match.
    await byId('match-phrases').fill('tạm khoá, mở khoá trong 24h');
    await byId('save-draft').click();
    await byId('compose-status').filter({ hasText: 'Đã lưu bản nháp.' }).waitFor({ timeout: WAIT });
    const [draft] = (await api('GET', '/alerts?status=draft')).alerts;
    expect(draft.match).toEqual({ domains: ['vcb-secure.example'], phrases: ['tạm khoá', 'mở khoá trong 24h'] });

    // Back in the Reports tab, the group says a draft was made from it, and opens it.
    await byId('tab-reports').click();
    const linked = byId('report-group').first().getByTestId('report-linked');
    await linked.waitFor({ timeout: WAIT });
    expect(await linked.innerText()).toContain('Chị Lan đã tạo cảnh báo nháp');
    await linked.getByRole('button').click();
    // The alert's page shows at once and fills in when the alert has loaded.
    await byId('detail-text').waitFor({ timeout: WAIT });
    expect(await byId('detail-body').innerText()).toContain('vcb-secure.example');
    expect(t.pageErrors).toEqual([]);
  });

  it('the pool of residents who gave no commune; paging stays hidden for one page; EN', async () => {
    await openReports();
    expect(await byId('reports-pager').innerText()).toBe('');
    await byId('reports-area').selectOption('unknown');
    await byId('report-group').filter({ hasText: 'qua-tet.example' }).waitFor({ timeout: WAIT });
    expect(await byId('report-group').count()).toBe(1);
    expect(await byId('reports').innerText()).toContain('mọi cán bộ đều xem được');

    await byId('lang').click();
    expect(await byId('tab-reports').innerText()).toBe('Reports');
    expect(await byId('reports-status').innerText()).toBe('1 group in the last 30 days');
    expect(await byId('report-group').first().getByTestId('report-total').innerText()).toBe('1\nTotal');
    expect(await byId('report-group').first().getByTestId('report-draft').innerText()).toBe('Make a draft alert');
    expect(await byId('reports-area').locator('option:checked').innerText()).toBe('Residents who did not give their commune');
    await byId('reports-area').selectOption('');
    await byId('report-group').filter({ hasText: 'vcb-secure.example' }).waitFor({ timeout: WAIT });
    expect(await byId('report-group').first().getByTestId('report-risk').innerText()).toBe('Very likely a scam');
    expect(await byId('report-group').first().getByTestId('report-signs').innerText()).toContain('It threatens to lock your account.');
    expect(t.pageErrors).toEqual([]);
  });
});
