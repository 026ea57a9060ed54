/** Renders prepared `Line`s (detail, compare, help) with their tones. */
import { Box, Text } from 'ink';
import type { Line } from './layout.ts';

const TONE: Record<NonNullable<Line['tone']>, { color?: string; bold?: boolean; dimColor?: boolean }> = {
  title: { bold: true },
  warn: { color: 'yellow' },
  good: { color: 'green' },
  bad: { color: 'red' },
  dim: { dimColor: true },
  alarm: { color: 'red', bold: true },
};

/** Stable React keys for lines whose text may repeat. */
function keyed(lines: readonly Line[]): { id: string; line: Line }[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const n = seen.get(line.text) ?? 0;
    seen.set(line.text, n + 1);
    return { id: `${line.text}#${n}`, line };
  });
}

export interface LinesProps {
  readonly lines: readonly Line[];
}

export function Lines({ lines }: LinesProps) {
  return (
    <Box flexDirection="column">
      {keyed(lines).map(({ id, line }) => (
        <Text key={id} wrap="truncate" {...(line.tone ? TONE[line.tone] : {})}>
          {line.text === '' ? ' ' : line.text}
        </Text>
      ))}
    </Box>
  );
}
