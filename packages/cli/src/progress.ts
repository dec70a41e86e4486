/**
 * Seeding progress on stderr (stdout stays for the result): a live bar when stderr is a terminal, plain
 * lines at most every few seconds otherwise, so logs of CI or `> file` runs stay readable.
 */
import type { SeedProgress } from '@weixi/demo';
import cliProgress from 'cli-progress';
import { format } from './arguments.js';

export interface ProgressReporter {
  update(progress: SeedProgress): void;
  stop(): void;
}

const PHASE_TITLES: Record<SeedProgress['phase'], string> = {
  regions: 'Writing the region tree',
  customers: 'Generating customers and monthly usage',
  statistics: 'Updating planner statistics',
};

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter(stream);
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    { stream, format: '  {bar} {percentage}% | {value}/{total} customers | ETA {eta_formatted}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: SeedProgress['phase'] | undefined;
  let running = false;
  return {
    update(p) {
      if (p.phase !== phase) {
        if (running) bar.stop();
        running = false;
        phase = p.phase;
        stream.write(`${PHASE_TITLES[p.phase]}\n`);
        if (p.phase === 'customers') {
          bar.start(p.total, p.done);
          running = true;
        }
      } else if (running) {
        bar.update(p.done);
      }
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

function lineReporter(stream: NodeJS.WriteStream, intervalMs = 2000): ProgressReporter {
  let phase: SeedProgress['phase'] | undefined;
  let lastLine = 0;
  return {
    update(p) {
      const now = Date.now();
      if (p.phase === phase && p.done < p.total && now - lastLine < intervalMs) return;
      if (p.phase !== 'customers' && p.done > 0) return;
      lastLine = now;
      phase = p.phase;
      const detail = p.phase === 'customers'
        ? `: ${format(p.done)}/${format(p.total)} (${Math.floor((100 * p.done) / Math.max(1, p.total))}%)`
        : '';
      stream.write(`${PHASE_TITLES[p.phase]}${detail}\n`);
    },
    stop() {},
  };
}

/** Progress of one counted task (numbers written, rows checked): `done` of a known `total`. */
export interface CountProgress {
  update(done: number): void;
  stop(): void;
}

/** A bar on a terminal, else a line at most every few seconds (and one at the end), like the seeding progress. */
export function createCountProgress(title: string, total: number, unit: string, stream: NodeJS.WriteStream = process.stderr, intervalMs = 2000): CountProgress {
  if (stream.isTTY) {
    stream.write(`${title}\n`);
    const bar = new cliProgress.SingleBar({ stream, format: `  {bar} {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`, hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let lastLine = 0;
  let lastDone = -1;
  return {
    update(done) {
      const now = Date.now();
      if (done === lastDone || (done < total && now - lastLine < intervalMs)) return;
      lastLine = now;
      lastDone = done;
      stream.write(`${title}: ${format(done)}/${format(total)} ${unit} (${Math.floor((100 * done) / Math.max(1, total))}%)\n`);
    },
    stop() {},
  };
}
