/**
 * The plain LogReader: strings first, then columns. The file is decoded to one string, split into
 * lines, each line parsed into strings (parse.ts), events built as strings and the columns packed
 * from them at the end. No WebAssembly, no byte offsets, no reused buffers: the reference the
 * kernel reader (wasm/reader.ts) is checked against (test/data/log-readers.test.ts), and a reader
 * the ingest can be asked to use (`reader: 'plain'`).
 */
import { isUtf8 } from 'node:buffer';
import { normalizeMessage } from '../enhance/normalize.ts';
import { packUtf8 } from '../io/utf8.ts';
import { RunClock } from './clock.ts';
import { isContinuation, parseLine, type SkipReason } from './parse.ts';
import {
  emptyCounts,
  type FileEvents,
  type FileResult,
  type FileTask,
  freshRoom,
  type LogReader,
  type ParsedLog,
  type ParseTask,
  policyOf,
  readLogWith,
} from './read-file.ts';
import { timeShape } from './time-shape.ts';
import { faultEventsOf } from './truth.ts';

/** A new plain reader (it keeps nothing between files). */
export function plainLogReader(): LogReader {
  return {
    kind: 'plain',
    read: (task: FileTask): FileResult => readLogWith(task, freshRoom, parsePlain),
    parse: parsePlain,
    release: () => {},
    close: () => {},
  };
}

/** One event while the file is read. */
interface PlainEvent {
  timeMs: number;
  level: number;
  thread: string;
  cId: string;
  logger: string;
  method: string;
  message: string;
  /** Its first physical line (1-based). */
  lineNo: number;
}

const BOM = [0xef, 0xbb, 0xbf];

/** Only spaces, tabs and CRs. */
const isBlank = (line: string) => /^[ \t\r]*$/.test(line);

function parsePlain(raw: Buffer, task: ParseTask): ParsedLog {
  const policy = policyOf(task);
  const counts = emptyCounts(task);
  const skip = (reason: SkipReason) => {
    counts.skipped[reason] = (counts.skipped[reason] ?? 0) + 1;
  };
  let bytes = raw;
  if (BOM.every((b, i) => bytes[i] === b)) {
    counts.bom = 1;
    bytes = bytes.subarray(3);
  }
  // A second BOM is content: ignoreBOM keeps it.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const lines = text.split('\n');
  // A final newline ends the last line; it does not start another.
  if (text === '' || text.endsWith('\n')) lines.pop();
  if (!isUtf8(bytes)) counts.invalidUtf8 = lines.filter((l) => l.includes('\uFFFD')).length;

  const events: PlainEvent[] = [];
  const clock = new RunClock(task.runEpochSec);
  /** Blank and unparseable lines since the last event's last line: a merged continuation takes them along. */
  let between: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    let line = lines[k]!;
    const lineNo = k + 1;
    counts.lines++;
    // The CR of a CRLF goes; a CR without LF after it is content.
    if (line.endsWith('\r') && (k < lines.length - 1 || text.endsWith('\n'))) {
      line = line.slice(0, -1);
      counts.crlf++;
    }
    if (lineNo <= task.trimLines) {
      counts.trimmed++;
      continue;
    }
    if (isBlank(line)) {
      skip('empty');
      between.push(line);
      continue;
    }
    if (isContinuation(line)) {
      const above = events.at(-1);
      if (!above) skip('orphan-continuation');
      else if (policy === 'merge') {
        above.message += [...between, line].map((l) => `\n${l}`).join('');
        between = [];
        counts.continuation.merged++;
      } else if (policy === 'drop') counts.continuation.dropped++;
      else {
        events.push({ ...above, thread: '', cId: '', logger: '', method: '', message: line, lineNo });
        counts.continuation.kept++;
      }
      continue;
    }
    const parsed = parseLine(line);
    if (!parsed.ok) {
      skip(parsed.reason);
      between.push(line);
      continue;
    }
    const { timeOfDayMs, level, thread, cId, logger, method, message } = parsed.line;
    events.push({ timeMs: clock.next(timeOfDayMs), level, thread, cId, logger, method, message, lineNo });
    between = [];
  }
  const { events: columns, normalized } = columnsOf(events, task.faultLines ?? null);
  return { state: 'read', counts, events: columns, normalized, time: timeShape(columns.timeMs) };
}

/** The events as columns, their messages normalised and numbered in order of first appearance. */
function columnsOf(
  events: readonly PlainEvent[],
  faultLines: Int32Array | null,
): Pick<ParsedLog, 'events' | 'normalized'> {
  const normalized: string[] = [];
  const idOf = new Map<string, number>();
  const localMessageId = Int32Array.from(events, (e) => {
    const norm = normalizeMessage(e.message);
    let id = idOf.get(norm);
    if (id === undefined) {
      id = normalized.length;
      idOf.set(norm, id);
      normalized.push(norm);
    }
    return id;
  });
  const column = (field: 'thread' | 'cId' | 'logger' | 'method' | 'message') => packUtf8(events.map((e) => e[field]));
  const out: FileEvents = {
    count: events.length,
    timeMs: Float64Array.from(events, (e) => e.timeMs),
    level: Int8Array.from(events, (e) => e.level),
    thread: column('thread'),
    cId: column('cId'),
    logger: column('logger'),
    method: column('method'),
    message: column('message'),
    charsLen: Int32Array.from(events, (e) => e.message.length),
    localMessageId,
    faultEvents: faultLines
      ? faultEventsOf(
          Int32Array.from(events, (e) => e.lineNo),
          faultLines,
        )
      : null,
  };
  return { events: out, normalized };
}
