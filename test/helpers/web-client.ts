/** Talks to a test server's web channel like the simulator page does. */
import { randomUUID } from 'node:crypto';

export interface WebReply {
  text: string;
  imageUrl?: string;
  choices?: { payload: string; label: string }[];
}

export class WebResident {
  readonly userId: string;
  last: WebReply[] = [];

  constructor(private readonly baseUrl: string, userId?: string) {
    this.userId = userId ?? `r-${randomUUID().slice(0, 12)}`;
  }

  async post(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${this.baseUrl}/channels/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: this.userId, ...body }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.ok) this.last = json.replies as WebReply[];
    return { status: res.status, json };
  }

  async say(text: string, messageId: string = randomUUID()): Promise<WebReply[]> {
    const { status, json } = await this.post({ text, messageId });
    if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(json)}`);
    return this.last;
  }

  async tap(payload: string, messageId: string = randomUUID()): Promise<WebReply[]> {
    const { status, json } = await this.post({ payload, messageId });
    if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(json)}`);
    return this.last;
  }

  get said(): string {
    return this.last.map((r) => r.text).join('\n');
  }

  get choices(): { payload: string; label: string }[] {
    return this.last.at(-1)?.choices ?? [];
  }
}
