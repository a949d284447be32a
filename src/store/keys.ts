/**
 * Every Redis key the bot uses, built here from one prefix (which has no braces, so the first `{…}`
 * of a key is always ours).
 *
 * Redis Cluster: a Lua script, a MULTI, a pipeline on a Cluster or a command naming several keys must
 * keep them in one hash slot, and a key's slot comes from its `{tag}`. The tags:
 *   `r:{<residentId>}:*`   one resident's state, inbox, outbox, contact, lease, mailbox (the turn scripts)
 *   `{alert:<id>}:*`       one alert's JSON, picture, audit, counters and plan (the broadcast scripts)
 *   `{aud}:*`              every audience set, so sets can be combined (SMISMEMBER pages, SINTERCARD…)
 *   `{alerts}:*`           the alert indexes (by province, active), moved together in one MULTI
 *   `{accounts}:*`         accounts and their token index, written together in one MULTI
 *   `{bull}`               BullMQ's prefix: its scripts touch many keys of a queue
 *   `{reports:<province>}` one province's scam reports (the add-report and drop-report-group scripts)
 * Keys without a tag (`due`, `events`, `followups`, links, coaches' lists, the Zalo token, the list of
 * provinces with reports and the report prune's lock) are only ever touched one at a time. Work across
 * residents is one command per resident (`perItem`), never one command or script naming two
 * residents' keys. New keys: pick a tag, or none if used alone.
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
  /** Stream: messages the bot wrote first to a web-chat resident (alerts, review follow-ups), fetched by the page. */
  mailbox: string;
}

export interface Keys {
  prefix: string;
  resident(residentId: string): ResidentKeys;
  /** SCAN pattern of every resident's state hash, and the resident id back from such a key. */
  residentStates: { pattern: string; residentOf(stateKey: string): string };
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
  /** SCAN pattern of every lesson link. */
  links: string;
  /** Sorted set: a coach's link codes, by creation time. */
  coachLinks(coachId: string): string;
  /** String: the link code a coach's "create link" request made, by its idempotency key (expires; see LinkStore.createOnce). */
  linkRequest(coachId: string, key: string): string;
  /** Sorted set: residents a coach reached (resident id → first arrival), for the coach view. */
  coachResidents(coachId: string): string;
  /** SCAN pattern of every coach's `coachResidents` list. */
  coachResidentLists: string;
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
  /** SCAN pattern of every audience set. */
  audiences: string;
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
  /** Prefix of the BullMQ queues (`<prefix>{bull}:<queue>:…`), passed to BullMQ as its `prefix`; the tag keeps each queue's keys in one slot. */
  bullPrefix: string;
  /** String: the Zalo OA token pair (JSON), shared by every process of this bot. */
  zaloToken: string;
  /** String: the process refreshing the Zalo token pair now (`SET NX PX`), with an expiry. */
  zaloTokenLock: string;
  /** Hash: pictures Messenger saved for the Page (URL → `<attachment id> <saved at ms>`), per generation of the pictures folder. */
  messengerPictures(generation: string): string;
  /**
   * Residents' reports of suspicious messages, per province (`unknown`: residents who gave no
   * commune). Every key of one province shares the `{reports:<province>}` tag, so the add-report
   * script may touch them all on a Cluster (see ReportKeys and src/reports/store.ts).
   */
  reports(province: string): ReportKeys;
  /**
   * Set: the provinces (and `unknown`) that ever had a report, so the hourly prune and a resident's
   * deletion can find every province's report keys without scanning the keyspace.
   */
  reportProvinces: string;
  /** String: the process pruning old reports now (`SET NX PX`): one prune an hour for all processes. */
  reportsPruneLock: string;
  /** String: the process taking residents without a state out of audiences and coaches' lists (`SET NX PX`): once a day for all. */
  tidyLock: string;
}

// ── Reports (src/reports/) ──────────────────────────────────────────────────────────────────

/** The keys of one province's reports, all under the `{reports:<province>}` tag. Group ids are `<province>-<n>`. */
export interface ReportKeys {
  /** Hash: group id → the group (JSON: first/last seen, count, sample text, risk, signals, domains, phrases). */
  groups: string;
  /** Hash: group id → its MinHash signature (512 hex characters, the first report's). */
  sigs: string;
  /** Hash: group id → the draft alerts made from it (JSON list: alert id, who, when). */
  links: string;
  /** String: the last group number given out. */
  seq: string;
  /** Hash: `<group>|<area path>` → reports in total, `<group>|<area path>|first` → first report there (ms). */
  totals: string;
  /** Stream: every report taken (masked text, group, area path), newest last; ids are the report's time, entries older than REPORT_RETENTION_DAYS are dropped. */
  log: string;
  /** Hash, one per local day (`YYYYMMDD`, Vietnam time): `<group>|<area path>` and `<group>|<area path>|<HH>` → reports; expires after 40 days. */
  day(day: string): string;
  /**
   * Sorted set: groups reported in an area path (`01`, `01/026`, `01/026/00715`, or `unknown`) → last
   * report there (ms). The province's own (`area(<province>)`, or `area('unknown')` for the pool) holds
   * every group of the province with its last report anywhere: the prune finds old groups there.
   */
  area(path: string): string;
  /** Set: the groups whose signature has this bucket in this LSH band; expires REPORT_RETENTION_DAYS after its last report. */
  band(band: number, bucket: string): string;
  /** Hash: a resident's reports (fingerprint of the text → group), so the same text counts once; expires after 30 days. */
  mine(anonId: string): string;
  /** String: a resident's reports today (the daily limit); expires after 2 days. */
  rate(anonId: string, day: string): string;
}

export function createReportKeys(prefix: string, province: string): ReportKeys {
  const tag = `${prefix}{reports:${province}}`;
  return {
    groups: `${tag}:groups`,
    sigs: `${tag}:sigs`,
    links: `${tag}:links`,
    seq: `${tag}:seq`,
    totals: `${tag}:totals`,
    log: `${tag}:log`,
    day: (day) => `${tag}:day:${day}`,
    area: (path) => `${tag}:area:${path}`,
    band: (band, bucket) => `${tag}:lsh:${band}:${bucket}`,
    mine: (anonId) => `${tag}:mine:${anonId}`,
    rate: (anonId, day) => `${tag}:rate:${anonId}:${day}`,
  };
}

export function createKeys(prefix: string): Keys {
  return {
    prefix,
    residentStates: {
      pattern: `${prefix}r:{*}:state`,
      residentOf: (stateKey) => stateKey.slice(`${prefix}r:{`.length, -'}:state'.length),
    },
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
        mailbox: `${tag}:mailbox`,
      };
    },
    due: `${prefix}due`,
    events: `${prefix}events`,
    followups: `${prefix}followups`,
    account: (id) => `${prefix}{accounts}:account:${id}`,
    accountToken: (hash) => `${prefix}{accounts}:token:${hash}`,
    accounts: `${prefix}{accounts}:all`,
    link: (code) => `${prefix}link:${code}`,
    links: `${prefix}link:*`,
    coachLinks: (coachId) => `${prefix}coach:${coachId}:links`,
    linkRequest: (coachId, key) => `${prefix}coach:${coachId}:link-request:${key}`,
    coachResidents: (coachId) => `${prefix}coach:${coachId}:residents`,
    coachResidentLists: `${prefix}coach:*:residents`,
    coachRipple: (coachId) => `${prefix}coach:${coachId}:ripple`,
    areaRipple: `${prefix}ripple:areas`,
    // One slot for every audience set: a resident's memberships change in one pipeline, and an
    // audience is narrowed by asking several sets at once. See docs/ARCHITECTURE.md for the cost.
    audienceArea: (path) => `${prefix}{aud}:area:${path}`,
    audienceChannel: (channel) => `${prefix}{aud}:channel:${channel}`,
    audienceLocale: (locale) => `${prefix}{aud}:locale:${locale}`,
    audienceFinished: (lessonId) => `${prefix}{aud}:finished:${lessonId}`,
    audienceAlertsOff: `${prefix}{aud}:alerts-off`,
    audiences: `${prefix}{aud}:*`,
    alert: (id) => `${prefix}{alert:${id}}:data`,
    alertStats: (id) => `${prefix}{alert:${id}}:stats`,
    alertAudit: (id) => `${prefix}{alert:${id}}:audit`,
    alertImage: (id) => `${prefix}{alert:${id}}:image`,
    alertPlan: (id) => `${prefix}{alert:${id}}:plan`,
    alertsInProvince: (province) => `${prefix}{alerts}:province:${province}`,
    alertsActive: `${prefix}{alerts}:active`,
    bullPrefix: `${prefix}{bull}`,
    zaloToken: `${prefix}zalo:token`,
    zaloTokenLock: `${prefix}zalo:token-lock`,
    messengerPictures: (generation) => `${prefix}messenger:pictures:${generation}`,
    reports: (province) => createReportKeys(prefix, province),
    reportProvinces: `${prefix}reports:provinces`,
    reportsPruneLock: `${prefix}reports:prune-lock`,
    tidyLock: `${prefix}tidy-lock`,
  };
}
