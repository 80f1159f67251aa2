/*
 * Where the main thread's time goes: a V8 CPU profile (CDP Profiler) summed by
 * function, by itself (self) and with what it calls (inclusive, each function once
 * per sample). The dev build keeps the components' names, so the inclusive list says
 * which components a keystroke renders.
 */
import type { CDPSession } from '@playwright/test';

/** What is used here of a V8 CPU profile (CDP `Profiler.Profile`). */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  busyMs: number;
  wallMs: number;
  self: Array<[string, number]>;
  components: Array<[string, number]>;
}

const IDLE = new Set(['(idle)', '(program)', '(root)']);

const label = (frame: CallFrame) => {
  const file = frame.url.split('/').pop()?.split('?')[0] ?? '';
  const name = frame.functionName || '(anonymous)';
  return file ? `${name} ${file}:${frame.lineNumber + 1}` : name;
};

export async function profileOf(
  cdp: CDPSession,
  run: () => Promise<void>,
): Promise<{ profile: CpuProfile; summary: ProfileSummary }> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  let profile: CpuProfile;
  try {
    await run();
  } finally {
    // Stopped even when `run` fails; the error of `run` is the one thrown.
    profile = (await cdp.send('Profiler.stop')).profile;
    await cdp.send('Profiler.disable');
  }
  return { profile, summary: summarize(profile) };
}

export function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    for (const child of n.children ?? []) parent.set(child, n.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, v: number) =>
    map.set(key, (map.get(key) ?? 0) + v);
  let busyMs = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    // A sample stands for the time until the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName || '(anonymous)';
    if (IDLE.has(name)) return;
    busyMs += ms;
    add(self, label(node.callFrame), ms);
    const seen = new Set<string>();
    for (
      let n: ProfileNode | undefined = node;
      n;
      n = byId.get(parent.get(n.id)!)
    ) {
      const fn = n.callFrame.functionName;
      // Components (and hooks' owners) are named in PascalCase.
      if (!/^[A-Z][A-Za-z0-9]+$/.test(fn) || seen.has(fn)) continue;
      seen.add(fn);
      add(inclusive, fn, ms);
    }
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return {
    busyMs,
    wallMs: (profile.endTime - profile.startTime) / 1000,
    self: top(self, 8),
    components: top(inclusive, 12),
  };
}
