/**
 * Per-plugin figures measured in the extension host: the CPU time and heap growth of each plugin's code,
 * counted over the synchronous part of every call into it (the loop that hangs a host runs there), and
 * which plugins are running right now, so a crash names the plugin whose code was on the stack.
 *
 * Within one received message (`batch`), consecutive calls into the same plugin are measured as one
 * stretch: a page of 100 customers reads the clocks twice, not 200 times (each reading costs about a
 * microsecond, as much as a small resolver). The stretch includes the decoding of those calls' arguments.
 */
import { getHeapStatistics } from 'node:v8';
import type { HostUsage, PluginUsage } from './protocol.js';

interface Stretch {
  pluginId: string;
  cpu: NodeJS.CpuUsage;
  heap: number;
}

export class Meter {
  private readonly plugins = new Map<string, PluginUsage>();
  /** The plugin whose code runs now (innermost first), for an uncaught error with no better clue. */
  readonly running: string[] = [];
  private inBatch = false;
  private stretch: Stretch | undefined;
  private rss = 0;
  private rssReadAt = -Infinity;

  /** Handles one message: calls into plugins made by `handle` are measured in stretches. */
  batch(handle: () => void): void {
    if (this.inBatch) return handle();
    this.inBatch = true;
    try {
      handle();
    } finally {
      this.inBatch = false;
      this.close();
    }
  }

  /** Runs `fn` as `pluginId`'s code, adding its CPU time and heap growth to the plugin's figures. */
  run<T>(pluginId: string, fn: () => T): T {
    const nested = this.running.length > 0;
    if (!this.inBatch || nested) return this.measured(pluginId, fn);
    if (this.stretch?.pluginId !== pluginId) {
      this.close();
      this.stretch = { pluginId, cpu: process.cpuUsage(), heap: getHeapStatistics().used_heap_size };
    }
    this.figuresOf(pluginId).calls++;
    this.running.unshift(pluginId);
    try {
      return fn();
    } finally {
      this.running.shift();
    }
  }

  /**
   * The figures every message carries. The resident set is read at most once a second: it costs a file
   * read of /proc (about 10 µs, most of `process.memoryUsage()`), where CPU time and heap take 2 µs each.
   */
  usage(): HostUsage {
    const cpu = process.cpuUsage();
    const now = performance.now();
    if (now - this.rssReadAt >= 1000) {
      this.rss = process.memoryUsage.rss();
      this.rssReadAt = now;
    }
    return { cpuMicros: cpu.user + cpu.system, heapUsed: getHeapStatistics().used_heap_size, rss: this.rss, plugins: Object.fromEntries(this.plugins) };
  }

  private measured<T>(pluginId: string, fn: () => T): T {
    const cpu = process.cpuUsage();
    const heap = getHeapStatistics().used_heap_size;
    this.running.unshift(pluginId);
    try {
      return fn();
    } finally {
      this.running.shift();
      const figures = this.figuresOf(pluginId);
      this.charge(figures, cpu, heap);
      figures.calls++;
    }
  }

  private close(): void {
    const stretch = this.stretch;
    if (!stretch) return;
    this.stretch = undefined;
    this.charge(this.figuresOf(stretch.pluginId), stretch.cpu, stretch.heap);
  }

  private charge(figures: PluginUsage, cpu: NodeJS.CpuUsage, heap: number): void {
    const used = process.cpuUsage(cpu);
    figures.cpuMicros += used.user + used.system;
    figures.heapBytes += Math.max(0, getHeapStatistics().used_heap_size - heap);
  }

  private figuresOf(pluginId: string): PluginUsage {
    let figures = this.plugins.get(pluginId);
    if (!figures) this.plugins.set(pluginId, (figures = { cpuMicros: 0, heapBytes: 0, calls: 0 }));
    return figures;
  }
}
