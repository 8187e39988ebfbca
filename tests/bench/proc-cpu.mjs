// CPU time of Chromium's processes and threads so far, read from /proc (Linux only), for the bench's tools.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString());

/** The parent's pid of a process, from its stat line (field 4, the second after the name); null once it ended. */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  } catch {
    return null;
  }
}

/**
 * Chromium's processes: pid and type ('browser' for the main one, where IndexedDB's backend runs). Only
 * those this Node process launched and their descendants, so that another Chromium on the machine (a test
 * run's, say) is not counted.
 */
function chromiumProcesses() {
  const root = String(process.pid);
  const processes = [];
  const descends = (pid) => {
    for (let at = pid, hops = 0; at && at !== '0' && hops < 64; at = parentOf(at), hops++) if (at === root) return true;
    return false;
  };
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (command.includes('chrom') && descends(pid)) processes.push({ pid, type: /--type=([a-z-]+)/.exec(command)?.[1] ?? 'browser' });
    } catch {
      // The process ended meanwhile.
    }
  }
  return processes;
}

/** The name and CPU ms (utime + stime) of a /proc stat file, or null when its process or thread has ended. */
function readStat(path) {
  try {
    const stat = readFileSync(path, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name, ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return null;
  }
}

/** CPU ms so far of every Chromium process, summed by process type. */
export function processTimes() {
  const times = {};
  for (const { pid, type } of chromiumProcesses()) {
    const stat = readStat(`/proc/${pid}/stat`);
    if (stat) times[type] = (times[type] ?? 0) + stat.ms;
  }
  return times;
}

/** CPU ms so far of every thread of every Chromium process, by "pid thread-name tid". */
export function threadTimes() {
  const times = new Map();
  for (const { pid } of chromiumProcesses()) {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (stat) times.set(`${pid} ${stat.name} ${tid}`, stat.ms);
    }
  }
  return times;
}
