/**
 * The server's clock as seen from the browser: every API response's `Date` header gives an estimate of
 * server time - browser time. Countdowns to a server `holdExpiresAt` use {@link ServerClock.now} so a browser
 * whose clock is off by minutes still shows the right time left. `Date` has whole-second precision, so the
 * offset keeps the median of recent samples.
 */
export class ServerClock {
  private samples: number[] = [];

  constructor(private readonly local: () => number = () => Date.now()) {}

  /** Records one `Date` header (ignored when absent or unreadable). */
  observe(dateHeader: string | null | undefined): void {
    if (!dateHeader) return;
    const server = Date.parse(dateHeader);
    if (Number.isNaN(server)) return;
    // The header is truncated to the second: on average the server was half a second later.
    this.samples.push(server + 500 - this.local());
    if (this.samples.length > 9) this.samples.shift();
  }

  /** Server time minus browser time, in ms (0 before any response). */
  offsetMs(): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  }

  /** The server's current time in ms since the epoch. */
  now(): number {
    return this.local() + this.offsetMs();
  }
}

/** The clock every API response feeds (see api/client.ts). */
export const serverClock = new ServerClock();
