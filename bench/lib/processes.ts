import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A server under test, running as its own process on loopback. */
export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** From spawn to the first HTTP response to the ready probe, in ms. */
  startupMs: number;
  /** Resident memory right after start, in MB. */
  idleRssMb: number;
  /** The last lines the process wrote, for error messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  port: number;
  /** A path that answers once the server is serving (any status counts as served). */
  readyPath: string;
  timeoutMs?: number;
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One GET without keep-alive; resolves with the status, rejects when nothing answers. */
function probe(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timeout')));
  });
}

/**
 * Starts a server and measures the time from spawn to its first served request: the ready path
 * is polled every 5 ms, so the figure is accurate to about that.
 */
export async function startServer(options: SpawnOptions): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  // Read (and drop) everything the server prints, so a full pipe never blocks it.
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });
  const deadline = started + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== null)
      throw new Error(`${options.name} exited with ${exited} before serving:\n${lines.join('\n')}`);
    try {
      await probe(options.port, options.readyPath);
      break;
    } catch {
      if (performance.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${options.name} did not answer within ${options.timeoutMs ?? 60_000} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  const startupMs = performance.now() - started;
  const pid = child.pid as number;
  return {
    name: options.name,
    pid,
    url: `http://127.0.0.1:${options.port}`,
    startupMs,
    idleRssMb: readRssMb(pid) ?? 0,
    output: () => lines.join('\n'),
    stop: () => stopProcess(child),
  };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(timer);
}

/** VmRSS of a process from /proc, in MB; undefined when it cannot be read (not Linux, or gone). */
export function readRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * A process and its descendants (a server started with `--workers 2` serves from its workers),
 * from /proc/<pid>/task/<tid>/children; just the process where that cannot be read.
 */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const parent = pids[i] as number;
    try {
      for (const task of readdirSync(`/proc/${parent}/task`)) {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(' ').map(Number));
      }
    } catch {
      // gone, or no /proc: what was read so far
    }
  }
  return pids;
}

/**
 * Samples the RSS of a process (the largest of it and its descendants: each server process is
 * judged on its own) every `intervalMs` until stopped; returns the peak and the mean.
 */
export function sampleRss(pid: number, intervalMs = 200): { stop: () => { peakMb: number; meanMb: number } } {
  const samples: number[] = [];
  const take = () => {
    const sizes = processTree(pid)
      .map(readRssMb)
      .filter((mb): mb is number => mb !== undefined);
    if (sizes.length > 0) samples.push(Math.max(...sizes));
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      const peakMb = Math.max(...samples, 0);
      const meanMb = samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : 0;
      return { peakMb, meanMb };
    },
  };
}

interface CpuSnapshot {
  /** Busy ticks of the whole machine (all cores), from /proc/stat. */
  machine: number;
  server: number;
  self: number;
}

/** utime + stime of a process, in clock ticks, from /proc/<pid>/stat. */
export function processTicks(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime, stime are 14, 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** utime + stime of a process and its descendants; a child that ended in between counts 0. */
function treeTicks(pid: number): number {
  let ticks = processTicks(pid);
  for (const child of processTree(pid).slice(1)) {
    try {
      ticks += processTicks(child);
    } catch {
      // ended since the tree was read
    }
  }
  return ticks;
}

function snapshot(pid: number): CpuSnapshot | undefined {
  try {
    const cpu =
      readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return {
      machine: user + nice + system + irq + softirq + steal,
      server: treeTicks(pid),
      self: processTicks('self'),
    };
  } catch {
    return undefined;
  }
}

/** Where the machine's CPU went during a period, in % of one core (2 cores = 200 %). */
export interface CpuShare {
  serverPct: number;
  loadGeneratorPct: number;
  /** Everything else on the machine: other processes, other users. */
  othersPct: number;
}

/**
 * Measures the CPU used by the server, by this process (the load generator) and by everything
 * else, from /proc; on a shared machine the last one says how far the figures can be trusted.
 */
export function sampleCpu(pid: number): { stop: () => CpuShare | undefined } {
  const start = snapshot(pid);
  const started = performance.now();
  return {
    stop: () => {
      const end = snapshot(pid);
      if (!start || !end) return undefined;
      // Clock ticks are 1/100 s on Linux (USER_HZ).
      const pct = (ticks: number) => (ticks / 100 / ((performance.now() - started) / 1000)) * 100;
      const server = end.server - start.server;
      const self = end.self - start.self;
      const machine = end.machine - start.machine;
      return {
        serverPct: pct(server),
        loadGeneratorPct: pct(self),
        othersPct: Math.max(0, pct(machine - server - self)),
      };
    },
  };
}

/** Runs a command to completion; resolves with its exit code and output. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          child.kill('SIGKILL');
          stderr += `\n(killed after ${options.timeoutMs} ms)`;
        }, options.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started });
    });
  });
}
