/**
 * Zalo Official Account: on when ZALO_APP_ID, ZALO_APP_SECRET (token refresh) and ZALO_OA_SECRET_KEY
 * (webhook signatures) are set. The token pair lives in Redis, seeded from ZALO_ACCESS_TOKEN and
 * ZALO_REFRESH_TOKEN on the first start; `/readyz` reports on it.
 */
import type { Config } from '../../config.js';
import { errorFields, type Logger } from '../../log.js';
import type { Channel, ChannelDeps } from '../channel.js';
import { createZaloClient } from './client.js';
import { zaloRoutes } from './routes.js';
import { createZaloTokens, type TokenState } from './token.js';
import type { SignatureId } from './webhook.js';

/** How often to look at the token pair (refresh when due, warn before the refresh token lapses). */
export const TOKEN_CHECK_EVERY_MS = 5 * 60_000;

const READY_STATES: ReadonlySet<TokenState> = new Set(['ok', 'refresh_expiring']);

export function zaloChannel(deps: ChannelDeps): Channel | undefined {
  const { config, log } = deps;
  const { ZALO_APP_ID: appId, ZALO_APP_SECRET: appSecret, ZALO_OA_SECRET_KEY: oaSecretKey } = config;
  if (!appId || !appSecret || !oaSecretKey) return undefined;

  const signatureIds = signatureIdsFor(config, log);
  // The open questions of platforms.md §1.4–1.5, and which way each is taken, said once at start.
  log.info('zalo channel on', {
    signatureId: config.ZALO_SIGNATURE_ID,
    signatureIdsTried: signatureIds.map((s) => s.name).join(','),
    signedBody: 'raw bytes as received',
    timestamp: 'as written in the body; ms expected, s/us/ns recognised by digit count and converted',
  });

  const tokens = createZaloTokens({
    redis: deps.redis,
    key: deps.keys.zaloToken,
    lockKey: deps.keys.zaloTokenLock,
    seed: { accessToken: config.ZALO_ACCESS_TOKEN, refreshToken: config.ZALO_REFRESH_TOKEN },
    oauthUrl: config.ZALO_OAUTH_URL,
    appId,
    appSecret,
    log,
    clock: deps.clock,
  });
  const client = createZaloClient({ apiUrl: config.ZALO_API_URL, tokens, log, mediaUrl: deps.mediaUrl, clock: deps.clock });
  const router = zaloRoutes({ signatureIds, oaSecretKey, intake: deps.intake, log });

  // Seed and check now, then every few minutes, so an idle bot still refreshes before its tokens lapse.
  let checking: Promise<unknown> | undefined;
  const check = () => {
    checking ??= tokens
      .check()
      .catch((err: unknown) => log.warn('zalo token check failed; will try again', errorFields(err)))
      .finally(() => {
        checking = undefined;
      });
  };
  check();
  const timer = setInterval(check, TOKEN_CHECK_EVERY_MS);
  timer.unref();

  return {
    id: 'zalo',
    router,
    client,
    async readiness() {
      const s = await tokens.status();
      const now = deps.clock();
      const details: Record<string, string | number> = { token: s.state };
      if (s.accessExpiresAt !== undefined) details.accessTokenExpiresInMinutes = Math.max(0, Math.floor((s.accessExpiresAt - now) / 60_000));
      if (s.refreshExpiresAt !== undefined) details.refreshTokenExpiresInDays = Math.max(0, Math.floor((s.refreshExpiresAt - now) / 86_400_000));
      if (s.state === 'refresh_expiring') details.warning = 'the refresh token lapses soon; check the zalo token logs';
      if (!READY_STATES.has(s.state)) details.action = 'authorise the app for the OA again and set ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN';
      return { ok: READY_STATES.has(s.state), details };
    },
    async close() {
      clearInterval(timer);
      await checking;
    },
  };
}

/** The ids a webhook signature may start with (ZALO_SIGNATURE_ID; platforms.md §1.4, UNCONFIRMED). */
function signatureIdsFor(config: Config, log: Logger): SignatureId[] {
  const appId: SignatureId = { name: 'app_id', value: config.ZALO_APP_ID! };
  const oaId: SignatureId | undefined = config.ZALO_OA_ID ? { name: 'oa_id', value: config.ZALO_OA_ID } : undefined;
  switch (config.ZALO_SIGNATURE_ID) {
    case 'app_id':
      return [appId];
    case 'oa_id':
      if (oaId) return [oaId];
      log.error('ZALO_SIGNATURE_ID=oa_id but ZALO_OA_ID is not set: every Zalo webhook delivery will be refused');
      return [];
    case 'either':
      if (!oaId) log.info('ZALO_OA_ID is not set: webhook signatures are checked with the app id only');
      return oaId ? [appId, oaId] : [appId];
  }
}
