/** The reject file: one CSV line per refused cell (line, column, value, reason), created with the first. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Reject } from './mapping.js';

const field = (v: string | number) => (typeof v === 'number' ? String(v) : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export class RejectFile {
  private stream: WriteStream | undefined;
  /** Rejected rows (a row with several bad cells counts once). */
  private readonly lines = new Set<number>();
  count = 0;

  constructor(
    readonly path: string,
    private readonly listener?: (rejects: readonly Reject[]) => void,
  ) {}

  async add(rejects: readonly Reject[]): Promise<void> {
    if (rejects.length === 0) return;
    this.listener?.(rejects);
    if (!this.stream) {
      this.stream = createWriteStream(this.path);
      this.stream.write('line,column,value,reason\n');
    }
    for (const r of rejects) {
      if (!this.lines.has(r.line)) this.count++;
      this.lines.add(r.line);
      if (!this.stream.write(`${[r.line, r.column, r.value, r.reason].map(field).join(',')}\n`)) await once(this.stream, 'drain');
    }
    // Only the lines of the current batch matter for counting a row once.
    if (this.lines.size > 100_000) this.lines.clear();
  }

  get written(): boolean {
    return this.stream !== undefined;
  }

  async close(): Promise<void> {
    if (!this.stream) return;
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
