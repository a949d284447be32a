/** What the simulator page's browser tests share: who the page is, and a push to it as the lanes make one. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { WebReply } from '../../src/channels/web/schema.js';
import type { TestServer } from './server.js';

/** The page's resident, as the server knows it without the `web:` prefix. */
export const residentOf = async (page: Page): Promise<string> => (await page.evaluate(() => localStorage.getItem('hocso.sim.userId')))!;

/** Send `reply` to `userId` as the alert and reminder lanes do: through the web channel's client. */
export async function pushTo(server: TestServer, userId: string, reply: WebReply): Promise<void> {
  const web = server.app.channels.find((c) => c.id === 'web')!;
  expect(await web.client!.send(userId, reply)).toEqual({ type: 'sent' });
}
