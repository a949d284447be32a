/**
 * Every Redis key the bot uses, built here from one prefix. Keys of one resident share the
 * `{residentId}` hash tag so they live in one Redis Cluster slot and one Lua script may touch them all.
 */
export interface ResidentKeys {
  /** Hash: `rev` (optimistic-concurrency counter) and `doc` (the ResidentState JSON). */
  state: string;
  /** Sorted set: message ids already handled, scored by when. */
  seen: string;
  /** Hash: message id → the replies it produced, so a redelivery gets the same answer. */
  replies: string;
  /** Sorted set: webhook events taken in and not yet handled, scored by platform time. */
  inbox: string;
  /** Hash: event id → the event (InboundActivity JSON). */
  inboxData: string;
  /** List: platform messages committed and not yet sent, in order. */
  outbox: string;
  /** Hash: `lastInbound` (ms), `status` (unreachable reason), `sendAfter` (ms, backoff). */
  contact: string;
  /** String: the process handling this resident now, with an expiry. */
  lease: string;
}

export interface Keys {
  prefix: string;
  resident(residentId: string): ResidentKeys;
  /** Sorted set: residents with work waiting (inbox or outbox), scored by when to look at them. */
  due: string;
  /** Stream of analytics events (anonymous ids only). */
  events: string;
  /** Sorted set: residents with quiz items due for review, scored by when a follow-up may be offered. */
  followups: string;
  /** String: one coach/official/admin account (JSON). All account keys share the `{accounts}` tag. */
  account(id: string): string;
  /** String: account id, by the SHA-256 of its bearer token. */
  accountToken(tokenHash: string): string;
  /** Set: every account id. */
  accounts: string;
  /** Hash: a lesson link (`data` JSON, `uses` counter). */
  link(code: string): string;
  /** Sorted set: a coach's link codes, by creation time. */
  coachLinks(coachId: string): string;
  /** Sorted set: residents a coach reached (resident id → first arrival), for the coach view. */
  coachResidents(coachId: string): string;
  /** Hash: a coach's ripple counts (`neighbours`, `deepest`). */
  coachRipple(coachId: string): string;
  /** Hash: ripple counts per area (`<province>/<district>/<commune>` → neighbours reached). */
  areaRipple: string;
  /**
   * Set: residents of an area, at the depth given: `area:01` (a province), `area:01/005` (a district),
   * `area:01//00004` or `area:01/005/00004` (a commune). A resident is in the set of each level.
   */
  audienceArea(path: string): string;
  /** Set: residents reached through a channel (`messenger`, `zalo`). */
  audienceChannel(channel: string): string;
  /** Set: residents whose language is `vi` or `en`. */
  audienceLocale(locale: string): string;
  /** Set: residents who finished a lesson. */
  audienceFinished(lessonId: string): string;
  /** Set: residents who turned alerts off. */
  audienceAlertsOff: string;
  /** String: an alert (JSON). Its other keys share the `{alert:<id>}` tag. */
  alert(id: string): string;
  /** Hash: an alert's counters (sent, failed, unreachable, notReachableNow, shown, opened, recognised, missed…). */
  alertStats(id: string): string;
  /** Stream: an alert's audit log, one entry per transition (who, when, what). */
  alertAudit(id: string): string;
  /** Hash: an alert's picture (`type`, `data` bytes), served at /alerts/<id>/image. */
  alertImage(id: string): string;
  /** Hash: an alert's sending plan: the audience cursor, batches queued and finished, the batches in flight. */
  alertPlan(id: string): string;
  /** Sorted set: alert ids whose audience is in a province, by creation time. */
  alertsInProvince(province: string): string;
  /** Sorted set: alerts scheduled or sending (id → when to start), which the workers make sure are being planned. */
  alertsActive: string;
  /** Prefix of the BullMQ queues (`<prefix>bull:<queue>:…`), passed to BullMQ as its `prefix`. */
  bullPrefix: string;
  /** String: the Zalo OA token pair (JSON), shared by every process of this bot. */
  zaloToken: string;
  /** String: the process refreshing the Zalo token pair now (`SET NX PX`), with an expiry. */
  zaloTokenLock: string;
}

export function createKeys(prefix: string): Keys {
  return {
    prefix,
    resident(residentId) {
      const tag = `${prefix}r:{${residentId}}`;
      return {
        state: `${tag}:state`,
        seen: `${tag}:seen`,
        replies: `${tag}:replies`,
        inbox: `${tag}:inbox`,
        inboxData: `${tag}:inbox-data`,
        outbox: `${tag}:outbox`,
        contact: `${tag}:contact`,
        lease: `${tag}:lease`,
      };
    },
    due: `${prefix}due`,
    events: `${prefix}events`,
    followups: `${prefix}followups`,
    account: (id) => `${prefix}{accounts}:account:${id}`,
    accountToken: (hash) => `${prefix}{accounts}:token:${hash}`,
    accounts: `${prefix}{accounts}:all`,
    link: (code) => `${prefix}link:${code}`,
    coachLinks: (coachId) => `${prefix}coach:${coachId}:links`,
    coachResidents: (coachId) => `${prefix}coach:${coachId}:residents`,
    coachRipple: (coachId) => `${prefix}coach:${coachId}:ripple`,
    areaRipple: `${prefix}ripple:areas`,
    audienceArea: (path) => `${prefix}aud:area:${path}`,
    audienceChannel: (channel) => `${prefix}aud:channel:${channel}`,
    audienceLocale: (locale) => `${prefix}aud:locale:${locale}`,
    audienceFinished: (lessonId) => `${prefix}aud:finished:${lessonId}`,
    audienceAlertsOff: `${prefix}aud:alerts-off`,
    alert: (id) => `${prefix}{alert:${id}}:data`,
    alertStats: (id) => `${prefix}{alert:${id}}:stats`,
    alertAudit: (id) => `${prefix}{alert:${id}}:audit`,
    alertImage: (id) => `${prefix}{alert:${id}}:image`,
    alertPlan: (id) => `${prefix}{alert:${id}}:plan`,
    alertsInProvince: (province) => `${prefix}alerts:province:${province}`,
    alertsActive: `${prefix}alerts:active`,
    bullPrefix: `${prefix}bull`,
    zaloToken: `${prefix}zalo:token`,
    zaloTokenLock: `${prefix}zalo:token-lock`,
  };
}
