/**
 * Per-plugin figures measured in the extension host: the CPU time and heap growth of each plugin's code,
 * counted over the synchronous part of every call into it (the loop that hangs a host runs there), and
 * which plugins are running right now, so a crash names the plugin whose code was on the stack.
 */
import { getHeapStatistics } from 'node:v8';
import type { HostUsage, PluginUsage } from './protocol.js';

export class Meter {
  private readonly plugins = new Map<string, PluginUsage>();
  /** The plugin whose code runs now (innermost first), for an uncaught error with no better clue. */
  readonly running: string[] = [];

  /** Runs `fn` as `pluginId`'s code, adding its CPU time and heap growth to the plugin's figures. */
  run<T>(pluginId: string, fn: () => T): T {
    const cpu = process.cpuUsage();
    const heap = getHeapStatistics().used_heap_size;
    this.running.unshift(pluginId);
    try {
      return fn();
    } finally {
      this.running.shift();
      const used = process.cpuUsage(cpu);
      const figures = this.plugins.get(pluginId) ?? { cpuMicros: 0, heapBytes: 0, calls: 0 };
      figures.cpuMicros += used.user + used.system;
      figures.heapBytes += Math.max(0, getHeapStatistics().used_heap_size - heap);
      figures.calls++;
      this.plugins.set(pluginId, figures);
    }
  }

  usage(): HostUsage {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return { cpuMicros: cpu.user + cpu.system, heapUsed: memory.heapUsed, rss: memory.rss, plugins: Object.fromEntries(this.plugins) };
  }
}
