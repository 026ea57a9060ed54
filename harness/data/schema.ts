/**
 * The ingest's four tables, column by column: name, Arrow type, nullability and meaning. This is
 * the data contract of `<ingest>/{events,sequences,messages,templates}.arrow`: the Arrow schemas of
 * the files are derived from it, the writers (tables.ts) hand over their columns by name and are
 * checked against it, and the readers (read-table.ts) check the files they open against it. The
 * order of the descriptors is the order of the files' columns, kept in this one place.
 */
import {
  Bool,
  type Data,
  type DataType,
  Dictionary,
  Field,
  Float64,
  Int8,
  Int32,
  List,
  Schema,
  TimestampMillisecond,
  Utf8,
  util,
} from 'apache-arrow';

/** One column of a table. */
export interface ColumnDescriptor<N extends string = string> {
  readonly name: N;
  readonly type: DataType;
  readonly nullable: boolean;
  /** What the column holds (the glossary of the files). */
  readonly doc: string;
}

/** A table: its columns in file order, and the Arrow schema made from them. */
export interface TableSchema<N extends string = string> {
  /** The table's name; its file is `<name>.arrow`. */
  readonly name: string;
  readonly columns: readonly ColumnDescriptor<N>[];
  readonly arrow: Schema;
}

/** The column names of a table schema. */
export type ColumnName<T extends TableSchema> = T['columns'][number]['name'];

/** A writer's or a file's column that does not match its table's descriptors; names the column. */
export class ColumnMismatch extends Error {
  override readonly name = 'ColumnMismatch';
  constructor(
    readonly table: string,
    readonly column: string,
    problem: string,
  ) {
    super(`${table} table: column ${column} ${problem}`);
  }
}

function defineTable<const C extends readonly ColumnDescriptor[]>(
  name: string,
  columns: C,
): TableSchema<C[number]['name']> {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new ColumnMismatch(name, c.name, 'is described twice');
    seen.add(c.name);
  }
  return Object.freeze({
    name,
    columns: Object.freeze([...columns]),
    arrow: new Schema(columns.map((c) => new Field(c.name, c.type, c.nullable))),
  });
}

const column = <N extends string>(name: N, type: DataType, nullable: boolean, doc: string): ColumnDescriptor<N> =>
  Object.freeze({ name, type, nullable, doc });

// Dictionary ids of the events table's repeated string columns: the ids its files carry.
const DICT = { run: 0, test_case: 1, service: 2, seq_id: 3, m_level: 4 } as const;
const utf8Dict = (id: number) => new Dictionary(new Utf8(), new Int32(), id);
const listOf = (t: DataType) => new List(new Field('item', t, false));

/**
 * Events: one row per event, with LogLead's column names; token lists live in the messages table
 * (join on e_message_id).
 */
export const EVENTS = defineTable('events', [
  column(
    'seq_id',
    utf8Dict(DICT.seq_id),
    false,
    'the sequence (one service log file): `<run>__<test case>__<service>`',
  ),
  column('run', utf8Dict(DICT.run), false, 'the run folder'),
  column('test_case', utf8Dict(DICT.test_case), false, '`correct` or the error case'),
  column('service', utf8Dict(DICT.service), false, 'the service whose log holds the event'),
  column('anomaly', new Bool(), false, 'the label of its sequence: its test case is an error case'),
  column(
    'fault',
    new Bool(),
    true,
    'ground truth of a generated tree: the injected fault caused the event’s first line; null for real LO2. For evaluation only, never a feature',
  ),
  column('m_time', new TimestampMillisecond('UTC'), false, 'the time of day anchored to the run’s UTC date'),
  column('m_level', new Dictionary(new Utf8(), new Int8(), DICT.m_level), false, 'TRACE, DEBUG, INFO, WARN or ERROR'),
  column('m_thread', new Utf8(), false, 'the thread between brackets; empty for a kept continuation line'),
  column('m_cid', new Utf8(), false, 'the correlation id (may be empty)'),
  column('m_logger', new Utf8(), false, 'the abbreviated logger name'),
  column('m_method', new Utf8(), false, 'the logging method'),
  column('m_message', new Utf8(), false, 'the message after ` - `, merged continuation lines joined with `\\n`'),
  column('e_message_id', new Int32(), false, 'row of its normalised message in the messages table'),
  column('e_event_drain_id', new Int32(), false, 'its Drain template (templates table)'),
  column('e_chars_len', new Int32(), false, 'UTF-16 characters of the message (LogLead’s e_chars_len)'),
  column('e_words_len', new Int32(), false, 'words of the normalised message'),
  column('e_trigrams_len', new Int32(), false, 'character trigrams of the normalised message'),
]);

/** Sequences: one row per (run, test case, service) file; token bags as distinct tokens + counts. */
export const SEQUENCES = defineTable('sequences', [
  column('seq_id', new Utf8(), false, '`<run>__<test case>__<service>`'),
  column('run', new Utf8(), false, 'the run folder'),
  column('test_case', new Utf8(), false, '`correct` or the error case'),
  column('service', new Utf8(), false, 'the service of the file'),
  column('anomaly', new Bool(), false, 'the label: the test case is an error case'),
  column(
    'fault_lines',
    new Int32(),
    true,
    'ground truth: how many of its events are fault events; null for real LO2. Never a feature',
  ),
  column('seq_len', new Int32(), false, 'events in the sequence'),
  column('start_time', new TimestampMillisecond('UTC'), true, 'time of its first event; null when unknown'),
  column('end_time', new TimestampMillisecond('UTC'), true, 'time of its last event; null when unknown'),
  column('duration_sec', new Float64(), false, 'seconds from its first event to its last'),
  column('e_words', listOf(new Utf8()), false, 'distinct words of its normalised messages'),
  column('e_words_counts', listOf(new Int32()), false, 'how often each of e_words occurs'),
  column('e_trigrams', listOf(new Utf8()), false, 'distinct character trigrams of its normalised messages'),
  column('e_trigrams_counts', listOf(new Int32()), false, 'how often each of e_trigrams occurs'),
  column('e_event_drain_id', listOf(new Int32()), false, 'the Drain template of each event, in event order'),
  column('e_words_len', new Int32(), false, 'words of all its events'),
  column('e_trigrams_len', new Int32(), false, 'trigrams of all its events'),
]);

/** Messages: one row per distinct normalised message, with its event-level token lists. */
export const MESSAGES = defineTable('messages', [
  column('e_message_id', new Int32(), false, 'the id events refer to'),
  column('e_message_normalized', new Utf8(), false, 'the message with ids, numbers, paths… replaced by tags'),
  column('e_words', listOf(new Utf8()), false, 'its words, in order'),
  column('e_trigrams', listOf(new Utf8()), false, 'its character trigrams, in order'),
  column('e_event_drain_id', new Int32(), false, 'its final Drain template'),
  column('e_words_len', new Int32(), false, 'length of e_words'),
  column('e_trigrams_len', new Int32(), false, 'length of e_trigrams'),
  column('count', new Int32(), false, 'events with this message'),
]);

/** Drain templates: the final template text of each cluster. */
export const TEMPLATES = defineTable('templates', [
  column('e_event_drain_id', new Int32(), false, 'the Drain cluster id'),
  column('template', new Utf8(), false, 'the cluster’s final template, `<*>` for its variable tokens'),
  column('size', new Int32(), false, 'distinct messages in the cluster'),
]);

export const INGEST_TABLES = [EVENTS, SEQUENCES, MESSAGES, TEMPLATES] as const;

/**
 * `columns` in the table's order, after checking that they are exactly its columns: a missing or
 * unknown name is an error naming it, and so is a column `problem` finds wrong (it says what).
 */
export function inTableOrder<N extends string, C>(
  table: TableSchema<N>,
  columns: Readonly<Record<N, C>>,
  problem: (descriptor: ColumnDescriptor<N>, column: C) => string | null,
): C[] {
  const known = new Set<string>(table.columns.map((c) => c.name));
  for (const name of Object.keys(columns)) {
    if (!known.has(name)) throw new ColumnMismatch(table.name, name, 'is not in the schema');
  }
  return table.columns.map((d) => {
    if (!Object.hasOwn(columns, d.name)) throw new ColumnMismatch(table.name, d.name, 'is missing');
    const c = columns[d.name];
    const wrong = problem(d, c);
    if (wrong !== null) throw new ColumnMismatch(table.name, d.name, wrong);
    return c;
  });
}

/**
 * Whether two Arrow types are the same. apache-arrow's comparison asks whether the second is an
 * instance of the first's class, and a file's types come back as the generic classes (`Int_` with
 * a bit width, not `Int32`): either order will do.
 */
const sameType = (a: DataType, b: DataType): boolean => util.compareTypes(a, b) || util.compareTypes(b, a);

/** What is wrong with an Arrow column for its descriptor, or null: its type, or nulls where none may be. */
export function dataProblem(d: ColumnDescriptor, data: Data): string | null {
  if (!sameType(d.type, data.type)) return `is ${data.type}, the schema says ${d.type}`;
  if (!d.nullable && data.nullCount > 0) return `has ${data.nullCount} null value(s) but is not nullable`;
  return null;
}

/** What is wrong with a field of a file for its descriptor (name, type, nullability), or null. */
export function fieldProblem(d: ColumnDescriptor, field: Field | undefined): string | null {
  if (!field) return 'is missing';
  if (!sameType(d.type, field.type)) return `is ${field.type}, the schema says ${d.type}`;
  if (field.nullable !== d.nullable) return `is ${field.nullable ? '' : 'not '}nullable, the schema says otherwise`;
  return null;
}
