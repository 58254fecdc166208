/** The line that goes with every set of numbers: runtime, CPU, and how busy the machine was. */
import { availableParallelism, cpus, loadavg } from 'node:os';

export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `node ${process.version}, ${process.platform}/${process.arch}, ${cpu}, ${availableParallelism()} cores`;
}

export function loadLine(): string {
  const [one, five, fifteen] = loadavg().map((n) => n.toFixed(2));
  return `load average ${one}, ${five}, ${fifteen} (1, 5, 15 min)`;
}
