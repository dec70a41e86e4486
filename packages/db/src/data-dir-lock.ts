/**
 * PGlite is one process's database: a second process opening the same data directory would corrupt it.
 * A lock file names the owner (`{ pid, start, boot }`) and refuses a second opener with a message saying
 * what to do. A process id alone cannot tell the owner from a stranger: a container's process is pid 1
 * on every restart, a killed process stays "alive" to `kill(pid, 0)` until it is reaped, and ids are
 * reused. So on Linux the lock also records the owner's start time (`/proc/<pid>/stat` field 22) and the
 * boot id; a lock is live only while a running, non-zombie process has that id, start time and boot.
 * A live lock is waited on briefly (a killed owner takes a moment to go) before the opener is refused.
 */
import { closeSync, existsSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `the embedded database in ${dataDir} is in use by process ${pid} (is 'pnpm start' running?). ` +
        `Stop that process first, or use PostgreSQL (DATABASE_URL), which many processes can share.`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** Who holds a lock. `start` and `boot` are missing off Linux and in locks written before they were. */
interface Owner {
  pid: number;
  start?: string;
  boot?: string;
}

const WAIT_MS = 2_000;
const POLL_MS = 50;
/** Lock files this process holds, so a second opener in the same process is refused too. */
const held = new Set<string>();

/** Takes the directory's lock for this process; resolves to the release function. */
export async function lockDataDir(dataDir: string): Promise<() => void> {
  const file = join(dataDir, 'weixi.lock');
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (create(file, JSON.stringify(self()))) {
      held.add(file);
      return () => {
        held.delete(file);
        rmSync(file, { force: true });
      };
    }
    const text = read(file);
    if (text === undefined) continue; // released between our attempt and the read: try again
    const owner = parse(text);
    if (owner?.pid === process.pid && held.has(file)) throw new DataDirInUseError(dataDir, owner.pid);
    if (owner && live(owner)) {
      if (Date.now() >= deadline) throw new DataDirInUseError(dataDir, owner.pid);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      continue;
    }
    // Stale: remove it unless it changed since we read it (another opener may have taken it over).
    if (read(file) === text) rmSync(file, { force: true });
  }
}

/** Creates the file with its whole content at once (a hard link fails if the name exists). */
function create(file: string, content: string): boolean {
  const draft = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const fd = openSync(draft, 'wx');
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(draft, { force: true });
  }
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The lock's owner; a bare number is the format before start times were recorded. */
function parse(text: string): Owner | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    const owner = typeof value === 'number' ? { pid: value } : (value as Owner);
    return Number.isInteger(owner?.pid) && owner.pid > 0 ? owner : undefined;
  } catch {
    return undefined; // unreadable: nothing can hold it
  }
}

function live(owner: Owner): boolean {
  if (owner.pid === process.pid) return false; // our id, but a lock we do not hold: an earlier life's
  const now = processStart(owner.pid);
  if (now === null) return alive(owner.pid); // no /proc: the process id is all there is
  if (now === undefined) return false; // gone, or a zombie
  if (owner.boot !== undefined && owner.boot !== bootId()) return false;
  return owner.start === undefined || owner.start === now;
}

/** This process as a lock owner. */
function self(): Owner {
  const start = processStart(process.pid);
  return start ? { pid: process.pid, start, boot: bootId() } : { pid: process.pid };
}

/**
 * A process's start time in clock ticks after boot (`/proc/<pid>/stat` field 22): undefined when it no
 * longer runs or is a zombie, null when this system has no /proc.
 */
function processStart(pid: number): string | undefined | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return existsSync('/proc/self/stat') ? undefined : null;
  }
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[22 - 3];
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
