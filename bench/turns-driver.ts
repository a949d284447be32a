/**
 * The simulated residents of the turn benchmark. Each one walks a lesson through signed Messenger
 * webhooks (`x-hub-signature-256`, over a keep-alive agent): it sends its next message only after the
 * reply that ends its previous turn (the message carrying the choices) arrived at the fake Graph API,
 * and it answers with one of those choices, as a quick-reply tap.
 *
 * A level is either closed-loop (N residents, each always waiting for its next reply) or paced (a turn
 * started every 1/rate s whatever the server does, by whichever resident is free: open loop, for
 * latency). Turns are measured over a window after a warm-up; then no new turn starts and the driver
 * waits for the turns in flight: those whose reply never comes are lost.
 */
import { createHmac, randomInt } from 'node:crypto';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_SECRET, nowNs, percentile, type Arrival } from './turns-shared.js';
import { cpuMs, ioCalls, peakRssMb, resetPeakRss, type Server } from './turns-servers.js';

export type LevelSpec = { kind: 'closed'; residents: number } | { kind: 'paced'; perSecond: number };

export interface LevelResult {
  server: Server['name'];
  level: string;
  turns: number;
  turnsPerS: number;
  /** Webhook sent → first / last message of the turn at the fake Graph API, ms. */
  first: { p50: number; p95: number; p99: number };
  last: { p50: number; p95: number; p99: number };
  /** Webhook sent → its HTTP 200, ms. */
  ack: { p50: number; p99: number };
  messagesPerTurn: number;
  cpuMsPerTurn: number;
  /**
   * Read and write system calls of the server per turn: what a turn costs in I/O calls, which on a
   * VM are much of its CPU time, and unlike time it hardly depends on what else the machine runs.
   */
  syscallsPerTurn: number;
  peakRssMb: number;
  /** CPU of this driver and the fake Graph API during the window, in cores: what the measurement itself took from the machine. */
  harnessCores: number;
  lost: number;
  duplicated: number;
  /** Webhooks answered other than 200, or whose connection failed three times (the turn is then abandoned). */
  refused: number;
  refusedWhy: Record<string, number>;
  /** Webhooks delivered again after their connection failed (as Meta does; the server must take each once). */
  redelivered: number;
  /** Paced level: turns due while every resident was still waiting for a reply (the server fell behind). */
  notStarted: number;
}

interface Resident {
  psid: string;
  level: Level;
  seq: number;
  open: boolean;
  sentNs: number;
  firstNs: number;
  lastTimestamp: number;
  /** The payload the resident taps next. */
  next: string;
}

/** A level while it runs: its counters are the result's, counted as they happen. */
interface Level extends Pick<LevelResult, 'lost' | 'duplicated' | 'refused' | 'refusedWhy' | 'redelivered' | 'notStarted'> {
  recording: boolean;
  running: boolean;
  first: number[];
  last: number[];
  ack: number[];
  messages: number;
  onIdle: (r: Resident) => void;
}

// Idle connections are dropped after 4 s, before the server's 5 s keep-alive timeout closes them
// under a request.
const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 });
const residents = new Map<string, Resident>();
/** The walk's lesson; a resident starts it again after its last step. */
const LESSON = 'l:scam-sms-quiz';
/** What a resident taps: the next step, an answer or a skip; otherwise the lesson again. */
const WALK = /^[onk]:/;
/** Turns in flight after a level's window get this long to finish before they count as lost. */
const DRAIN_MS = 10_000;

/** Route the fake Graph API's arrivals to their residents. */
export function onArrivals(arrivals: Arrival[]): void {
  for (const [psid, at, final, payloads, duplicate] of arrivals) {
    const r = residents.get(psid);
    if (!r) continue;
    const level = r.level;
    if (duplicate || !r.open) level.duplicated++;
    if (!r.open) continue;
    level.messages += level.recording ? 1 : 0;
    if (r.firstNs === 0) r.firstNs = at;
    if (!final) continue;
    r.open = false;
    if (level.recording) {
      level.first.push((r.firstNs - r.sentNs) / 1e6);
      level.last.push((at - r.sentNs) / 1e6);
    }
    r.next = payloads.find((p) => WALK.test(p)) ?? LESSON;
    if (level.running) level.onIdle(r);
  }
}

function send(server: Server, r: Resident): void {
  r.seq++;
  r.open = true;
  r.firstNs = 0;
  r.lastTimestamp = Math.max(Date.now(), r.lastTimestamp + 1);
  const body = Buffer.from(
    JSON.stringify({
      object: 'page',
      entry: [{
        id: '1',
        time: r.lastTimestamp,
        messaging: [{
          sender: { id: r.psid },
          recipient: { id: '1' },
          timestamp: r.lastTimestamp,
          message: { mid: `m_${r.psid}_${r.seq}`, text: 'ok', quick_reply: { payload: r.next } },
        }],
      }],
    }),
  );
  const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
  const level = r.level;
  r.sentNs = nowNs();
  const sentNs = r.sentNs;
  const refused = (why: string) => {
    level.refused++;
    level.refusedWhy[why] = (level.refusedWhy[why] ?? 0) + 1;
    r.open = false;
    if (level.running) setTimeout(() => level.onIdle(r), 100);
  };
  const post = (attempt: number) => {
    const req = request(`${server.url}/webhooks/messenger`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-hub-signature-256': signature },
    });
    req.on('response', (res) => {
      res.resume();
      if (level.recording) level.ack.push((nowNs() - sentNs) / 1e6);
      if (res.statusCode !== 200) refused(`HTTP ${res.statusCode}`);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive connection closed under the request: Meta delivers again (same id), so do we.
      if (attempt < 3) {
        level.redelivered++;
        setTimeout(() => post(attempt + 1), 10);
      } else refused(err.code ?? err.name);
    });
    req.end(body);
  };
  post(1);
}

const summary = (values: number[]) => {
  values.sort((a, b) => a - b);
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
};

/** Run one level against one server; `warmupS` unmeasured, then `seconds` measured. */
export async function runLevel(server: Server, spec: LevelSpec, seconds: number, warmupS: number, fakePid: number): Promise<LevelResult> {
  const level: Level = {
    recording: false, running: true, first: [], last: [], ack: [], messages: 0, lost: 0, duplicated: 0, refused: 0, refusedWhy: {}, redelivered: 0, notStarted: 0,
    onIdle: () => undefined,
  };
  // Enough residents for a paced level to keep its rate while replies take up to ~2 s.
  const count = spec.kind === 'closed' ? spec.residents : Math.max(200, spec.perSecond * 2);
  const nonce = randomInt(1e8, 1e9);
  const mine: Resident[] = [];
  for (let i = 0; i < count; i++) {
    const r: Resident = { psid: `${nonce}${String(i).padStart(6, '0')}`, level, seq: 0, open: false, sentNs: 0, firstNs: 0, lastTimestamp: 0, next: LESSON };
    residents.set(r.psid, r);
    mine.push(r);
  }

  resetPeakRss(server.pid);
  let pacer: NodeJS.Timeout | undefined;
  if (spec.kind === 'closed') {
    level.onIdle = (r) => send(server, r);
    for (const r of mine) send(server, r);
  } else {
    const idle = [...mine];
    level.onIdle = (r) => idle.push(r);
    const intervalNs = 1e9 / spec.perSecond;
    const start = nowNs();
    let started = 0;
    const tick = () => {
      const due = Math.floor((nowNs() - start) / intervalNs);
      for (; started < due; started++) {
        const r = idle.shift();
        if (r) send(server, r);
        else if (level.recording) level.notStarted++;
      }
      if (level.running) pacer = setTimeout(tick, 1);
    };
    tick();
  }

  await sleep(warmupS * 1000);
  const cpu0 = cpuMs(server.pid);
  const io0 = ioCalls(server.pid);
  const harnessMs = () => {
    const own = process.cpuUsage();
    return cpuMs(fakePid) + (own.user + own.system) / 1000;
  };
  const harness0 = harnessMs();
  const t0 = nowNs();
  level.recording = true;
  await sleep(seconds * 1000);
  level.recording = false;
  const cpu1 = cpuMs(server.pid);
  const io1 = ioCalls(server.pid);
  const harness1 = harnessMs();
  const elapsedS = (nowNs() - t0) / 1e9;
  level.running = false;
  clearTimeout(pacer);

  // The turns in flight get their replies, or are lost; then a moment for late (duplicate) messages.
  const deadline = Date.now() + DRAIN_MS;
  while (mine.some((r) => r.open) && Date.now() < deadline) await sleep(20);
  await sleep(300);
  level.lost = mine.filter((r) => r.open).length;
  const peak = peakRssMb(server.pid);
  for (const r of mine) residents.delete(r.psid);

  const turns = level.last.length;
  const ack = summary(level.ack);
  return {
    server: server.name,
    level: spec.kind === 'closed' ? `${spec.residents} in flight` : `${spec.perSecond}/s paced`,
    turns,
    turnsPerS: turns / elapsedS,
    first: summary(level.first),
    last: summary(level.last),
    ack: { p50: ack.p50, p99: ack.p99 },
    messagesPerTurn: turns ? level.messages / turns : 0,
    cpuMsPerTurn: turns ? (cpu1 - cpu0) / turns : Number.NaN,
    syscallsPerTurn: turns ? (io1 - io0) / turns : Number.NaN,
    harnessCores: (harness1 - harness0) / 1000 / elapsedS,
    peakRssMb: peak,
    lost: level.lost,
    duplicated: level.duplicated,
    refused: level.refused,
    refusedWhy: level.refusedWhy,
    redelivered: level.redelivered,
    notStarted: level.notStarted,
  };
}
