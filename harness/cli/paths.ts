/** Where bench keeps its state: `BENCH_HOME` or `.bench` in the working directory. */
import { resolve } from 'node:path';

export function benchHome(): string {
  return resolve(process.env.BENCH_HOME ?? '.bench');
}
