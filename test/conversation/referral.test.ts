/**
 * A coach's lesson link through every channel: the web's ?code= (a start with a ref), Messenger's
 * m.me ?ref= (Get Started with a referral), and Zalo (the code typed, as Zalo has no deep-link
 * parameter). Then consent given, refused and withdrawn as the coach sees it, a coach never seeing
 * another's residents, expired and revoked links, and the ripple of residents' own links.
 * Real app and Redis; Messenger and Zalo faked at the HTTP boundary.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/accounts/store.js';
import { LinkStore } from '../../src/coaching/link-store.js';
import { loadCoachView } from '../../src/coaching/coach-view.js';
import { createKeys } from '../../src/store/keys.js';
import { ResidentStore } from '../../src/store/resident-store.js';
import { createLogger } from '../../src/log.js';
import { ENV as ZALO_ENV, FakeOAuth, FakeOpenApi, deliver as deliverZalo, newUser, textEvent, textsOf, waitFor } from '../fixtures/zalo/fake-zalo.js';
import { deliverMessenger, getStarted, newPsid } from '../helpers/messenger.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { resolveFlowsDir } from '../../src/paths.js';

const flows = loadLessonsOrThrow(resolveFlowsDir('flows'));
import { WebResident } from '../helpers/web-client.js';

const MESSENGER = {
  MESSENGER_APP_SECRET: 'referral-app-secret',
  MESSENGER_PAGE_ACCESS_TOKEN: 'EAAreferral-token',
  MESSENGER_GRAPH_URL: 'http://graph.referral.test/v25.0',
};
const graphTexts: { psid: string; text: string }[] = [];
const zalo = new FakeOpenApi();
const oauth = new FakeOAuth();
let now = Date.now();
let server: TestServer;
let accounts: AccountStore;
let links: LinkStore;

beforeAll(async () => {
  nock('http://graph.referral.test')
    .persist()
    .post('/v25.0/me/messages')
    .query(true)
    .reply(200, (_uri, body) => {
      const b = body as { recipient: { id: string }; message?: { text?: string } };
      if (b.message?.text) graphTexts.push({ psid: b.recipient.id, text: b.message.text });
      return { recipient_id: b.recipient.id, message_id: `m_${graphTexts.length}` };
    });
  zalo.install();
  oauth.install();
  server = await startTestServer({ env: { ...ZALO_ENV, ...MESSENGER }, clock: () => now });
  const keys = createKeys(server.prefix);
  accounts = new AccountStore(server.redis, keys, () => now);
  links = new LinkStore(server.redis, keys, () => now);
});
afterAll(async () => {
  await server.close();
  nock.cleanAll();
});

async function coachWithLink(name: string, lessonId = 'password-otp', expiresInDays?: number) {
  const { account } = await accounts.create({ name, role: 'coach', area: { province: '01', commune: '00004' } });
  const link = await links.create({ lessonId, coachId: account.id, senderName: account.name, expiresInDays });
  return { coach: account, code: link.code };
}

const view = (coachId: string) =>
  loadCoachView({ redis: server.redis, keys: createKeys(server.prefix), store: new ResidentStore(server.redis, createKeys(server.prefix), createLogger('silent')), flows, links }, coachId, 'vi');

async function messengerGetStarted(psid: string, ref: string): Promise<void> {
  expect(await deliverMessenger(server.url, MESSENGER.MESSENGER_APP_SECRET, psid, getStarted(ref), now)).toBe(200);
}

describe('a coach link opens the lesson on every channel and says who sent it', () => {
  it('web: the page opened with ?code= starts with the coach, asks consent once, then the lesson', async () => {
    const { coach, code } = await coachWithLink('Anh Minh');
    const r = new WebResident(server.url);
    await r.post({ ref: code.toLowerCase() });
    expect(r.said).toContain('Anh Minh (tổ công nghệ số) gửi bạn bài «Mật khẩu và mã OTP»');
    expect(r.choices.map((c) => c.payload)).toEqual(['c:follow:yes', 'c:follow:no']);
    await r.tap('c:follow:yes');
    expect(r.said).toContain('Bài này có 4 việc');
    const steps = flows.byId.get('password-otp')!.steps.length;
    // The coach sees which link brought them, and how far they are.
    expect((await view(coach.id)).residents).toEqual([expect.objectContaining({ via: [{ code }], started: [expect.objectContaining({ id: 'password-otp', step: 1, steps })] })]);
    await r.say('tiếp');
    expect((await view(coach.id)).residents[0]!.started[0]).toMatchObject({ step: 2, steps });
    expect((await links.get(code))?.uses).toBe(1);
  });

  it('Messenger: Get Started with the m.me ref', async () => {
    const { coach, code } = await coachWithLink('Chị Hoa');
    const psid = newPsid();
    await messengerGetStarted(psid, code);
    await waitFor('the Messenger reply', () => graphTexts.some((t) => t.psid === psid && t.text.includes('Chị Hoa (tổ công nghệ số) gửi bạn bài')));
    expect((await server.redis.zrange(createKeys(server.prefix).coachResidents(coach.id), 0, -1))).toEqual([`messenger:${psid}`]);
  });

  it('Zalo: the code typed (with a space, in lower case) inside a sentence', async () => {
    const { code } = await coachWithLink('Anh Tuấn');
    const user = newUser();
    const typed = `cho toi hoc bai ${code.slice(0, 2).toLowerCase()} ${code.slice(2).toLowerCase()} nhe`;
    expect((await deliverZalo(server.url, textEvent(user, typed))).status).toBe(200);
    await waitFor('the Zalo reply', () => textsOf(zalo.for(user)).includes('Anh Tuấn (tổ công nghệ số) gửi bạn bài'));
  });
});

describe('what the coach sees', () => {
  it('consent given, refused and withdrawn; another coach never sees these residents', async () => {
    const { coach, code } = await coachWithLink('Cô Lan');
    const other = await coachWithLink('Chú Bảy');
    const yes = new WebResident(server.url);
    await yes.post({ ref: code });
    await yes.say('đồng ý');
    const no = new WebResident(server.url);
    await no.post({ ref: code });
    await no.tap('c:follow:no');

    let seen = await view(coach.id);
    expect(seen.residents.map((r) => r.label)).toEqual([expect.stringMatching(/^Người học #[12]$/)]);
    expect(seen.residents[0]!.started.map((l) => l.id)).toEqual(['password-otp']);
    expect(seen.notFollowing).toBe(1);
    expect(JSON.stringify(seen)).not.toContain(yes.userId);
    expect((await view(other.coach.id)).residents).toEqual([]);

    await yes.say('theo dõi');
    await yes.tap('c:follow:no');
    seen = await view(coach.id);
    expect(seen.residents).toEqual([]);
    expect(seen.notFollowing).toBe(2);

    await no.say('theo doi');
    await no.say('có');
    expect((await view(coach.id)).residents).toHaveLength(1);
  });

  it('deleting one\'s data removes the resident from the coach\'s list', async () => {
    const { coach, code } = await coachWithLink('Anh Nam');
    const r = new WebResident(server.url);
    await r.post({ ref: code });
    await r.tap('c:follow:yes');
    expect((await view(coach.id)).residents).toHaveLength(1);
    await r.say('xoá dữ liệu');
    await r.tap('c:delete:yes');
    await waitFor('the list is tidied', async () => (await server.redis.zcard(createKeys(server.prefix).coachResidents(coach.id))) === 0);
  });

  it("deleting one's data also takes them off the list of a coach whose link they came by and did not follow", async () => {
    const { coach, code } = await coachWithLink('Anh Khoa');
    const r = new WebResident(server.url);
    await r.post({ ref: code });
    await r.tap('c:follow:no');
    const list = createKeys(server.prefix).coachResidents(coach.id);
    expect(await server.redis.zcard(list)).toBe(1);
    await r.say('xoá dữ liệu');
    await r.tap('c:delete:yes');
    await waitFor('the list is tidied', async () => (await server.redis.zcard(list)) === 0);
  });
});

describe('links that no longer work', () => {
  it('expired: said kindly, with the menu', async () => {
    const { code } = await coachWithLink('Anh Hải', 'password-otp', 1);
    now += 2 * 24 * 3_600_000;
    const r = new WebResident(server.url);
    await r.post({ ref: code });
    expect(r.said).toContain('đã hết hạn');
    expect(r.said).toContain('Bạn muốn học gì?');
  });

  it('revoked, and an unknown code', async () => {
    const { coach, code } = await coachWithLink('Chị Mai');
    await links.revoke(code, coach.id);
    const r = new WebResident(server.url);
    await r.post({ ref: code });
    expect(r.said).toContain('không còn dùng được nữa');
    await r.say('HS2345XY');
    expect(r.said).toContain('Mã HS2345XY không đúng');
  });
});

describe('the ripple', () => {
  it('a resident passes a finished lesson on; the chain is counted for the coach and the area', async () => {
    const { coach, code } = await coachWithLink('Anh Đức', 'qr-payment');
    /** Plays a lesson to its end by tapping the first step button; returns the share link's code. */
    async function finish(r: WebResident): Promise<string> {
      for (let i = 0; i < 40 && !r.said.includes('Gửi cho người quen'); i++) {
        const next = r.choices.find((c) => /^[onk]:/.test(c.payload));
        if (!next) break;
        await r.tap(next.payload);
      }
      const share = r.last.find((x) => (x as { link?: { url: string } }).link) as { link?: { url: string } } | undefined;
      expect(share?.link?.url).toMatch(/\/l\/HS[A-Z0-9]{6}$/);
      return share!.link!.url.split('/l/')[1]!;
    }
    const a = new WebResident(server.url);
    await a.post({ ref: code });
    await a.tap('c:follow:yes');
    const aShare = await finish(a);
    // Their own link says a resident shared it, not which (nothing of theirs outlives them in it), and it ends.
    const stored = await server.redis.hget(createKeys(server.prefix).link(aShare), 'data');
    expect(JSON.parse(stored!)).toMatchObject({ sharedBy: 'resident', depth: 1 });
    const anonId = (JSON.parse((await server.redis.hget(createKeys(server.prefix).resident(`web:${a.userId}`).state, 'doc'))!) as { anonId: string }).anonId;
    expect(stored).not.toContain(anonId);
    expect(await server.redis.pttl(createKeys(server.prefix).link(aShare))).toBeGreaterThan(90 * 24 * 3_600_000);
    const b = new WebResident(server.url);
    await b.post({ ref: aShare });
    expect(b.said).toContain('Một người quen gửi bạn bài «Trả tiền bằng mã QR»');
    expect(b.said).not.toContain('Bạn đồng ý không?');
    const bShare = await finish(b);
    const c = new WebResident(server.url);
    await c.post({ ref: bShare });
    await waitFor('ripple counted', async () => (await view(coach.id)).ripple.neighbours === 2);
    expect((await view(coach.id)).ripple).toEqual({ neighbours: 2, deepest: 2 });
    expect(await server.redis.hget(createKeys(server.prefix).areaRipple, '01//00004')).toBe('2');
    // A link shared again is the same link; arriving twice counts once.
    const again = new WebResident(server.url);
    await again.post({ ref: aShare });
    await again.post({ ref: aShare });
    await waitFor('third neighbour', async () => (await view(coach.id)).ripple.neighbours === 3);
  });
});
