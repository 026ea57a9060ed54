/**
 * The Logback layout of LO2 logs,
 * `%d{HH:mm:ss.SSS} [%thread] %X{sId} %X{cId} %-5level %logger{36} %M - %msg%n`, split into the
 * pieces the generator concatenates: a time of day, a thread head, and a body
 * `LEVEL logger method - message`.
 */

export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** `%-5level`: INFO and WARN carry a trailing space. */
const PADDED: Readonly<Record<Level, string>> = { DEBUG: 'DEBUG', INFO: 'INFO ', WARN: 'WARN ', ERROR: 'ERROR' };

/**
 * Logback's `%logger{36}` (TargetLengthBasedClassNameAbbreviator): leading package segments are cut
 * to their first letter, left to right, only until the whole name fits in `target` characters.
 * `com.networknt.oauth.cache.UserMapStore` → `c.networknt.oauth.cache.UserMapStore`.
 */
export function abbreviateLogger(fqcn: string, target = 36): string {
  if (fqcn.length <= target) return fqcn;
  const parts = fqcn.split('.');
  let excess = fqcn.length - target;
  for (let i = 0; i < parts.length - 1 && excess > 0; i++) {
    const part = parts[i] ?? '';
    excess -= part.length - 1;
    parts[i] = part.slice(0, 1);
  }
  return parts.join('.');
}

/** `LEVEL logger method - ` for a fully qualified class name; append the message. */
export function bodyPrefix(level: Level, fqcn: string, method: string): string {
  return `${PADDED[level]} ${abbreviateLogger(fqcn)} ${method} - `;
}

const XNIO_HEADS = [1, 2, 3, 4, 5].map((n) => ` [XNIO-1 task-${n}]  `);
const HZ_HEADS = Array.from({ length: 16 }, (_, n) => ` [hz._hzInstance_1_dev.partition-operation.thread-${n}]   `);

/** Thread head of a request line: ` [XNIO-1 task-N]  <cId> ` (sId empty, cId set), N = 1–5. */
export function xnioHead(task: number, cId: string): string {
  return `${XNIO_HEADS[task - 1] ?? XNIO_HEADS[0]}${cId} `;
}

/** Thread head of a Hazelcast line: empty sId and cId, so three spaces before the level. N = 0–15. */
export function hzHead(thread: number): string {
  return HZ_HEADS[thread] ?? (HZ_HEADS[0] as string);
}

const PAD2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
const PAD3 = Array.from({ length: 1000 }, (_, i) => (i < 10 ? `00${i}` : i < 100 ? `0${i}` : String(i)));
const DAY_MS = 86_400_000;

/** `HH:mm:ss.SSS` (UTC) of an absolute time in milliseconds since the unix epoch. */
export function timeOfDay(epochMs: number): string {
  let t = Math.floor(epochMs) % DAY_MS;
  if (t < 0) t += DAY_MS;
  const ms = t % 1000;
  t = (t - ms) / 1000;
  const s = t % 60;
  t = (t - s) / 60;
  const m = t % 60;
  const h = (t - m) / 60;
  return `${PAD2[h]}:${PAD2[m]}:${PAD2[s]}.${PAD3[ms]}`;
}

/** Status JSON as light-4j's `Status.toString()` writes it. */
export function statusJson(statusCode: number, code: string, message: string, description: string): string {
  return `{"statusCode":${statusCode},"code":"${code}","message":"${message}","description":"${description}","severity":"ERROR"}`;
}
