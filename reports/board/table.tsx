/** The leaderboard table: column titles and the visible window of rows. */
import { Box, Text } from 'ink';
import type { BoardRow, PrimaryMetric } from '../index.ts';
import { cellText, headerLine, type LaidOutColumn, metricColumnId, type SortKey } from './columns.ts';
import { fit } from './format.ts';

/** Selection caret and comparison mark before each row. */
export const GUTTER = 2;

export interface TableProps {
  readonly rows: readonly BoardRow[];
  readonly columns: readonly LaidOutColumn[];
  readonly primary: PrimaryMetric;
  readonly sort: { key: SortKey; descending: boolean };
  readonly selectedKey: string | undefined;
  readonly markedKey: string | null;
}

export function Table({ rows, columns, primary, sort, selectedKey, markedKey }: TableProps) {
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {' '.repeat(GUTTER)}
        {headerLine(columns, sort)}
      </Text>
      {rows.map((row) => (
        <TableRow
          key={row.key}
          row={row}
          columns={columns}
          primary={primary}
          selected={row.key === selectedKey}
          marked={row.key === markedKey}
        />
      ))}
    </Box>
  );
}

interface TableRowProps {
  readonly row: BoardRow;
  readonly columns: readonly LaidOutColumn[];
  readonly primary: PrimaryMetric;
  readonly selected: boolean;
  readonly marked: boolean;
}

function TableRow({ row, columns, primary, selected, marked }: TableRowProps) {
  const primaryColumn = metricColumnId(primary);
  return (
    <Text wrap="truncate" inverse={selected}>
      {selected ? '›' : ' '}
      <Text color="cyan">{marked ? '*' : ' '}</Text>
      {columns.map((c, i) => (
        <Text
          key={c.id}
          bold={c.id === primaryColumn}
          {...(c.id === 'flags' && (row.leak ? { color: 'red', bold: true } : { color: 'yellow' }))}
          {...(c.id === 'rank' && row.tied && { dimColor: true })}
        >
          {i === 0 ? '' : ' '}
          {fit(cellText(row, c.id, primary), c.size, c.align)}
        </Text>
      ))}
    </Text>
  );
}
