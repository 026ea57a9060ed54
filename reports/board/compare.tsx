/** The compare view of two marked rows (differences b − a). */
import type { BoardRow, SelectorComparison } from '../index.ts';
import { compareLines } from './layout.ts';
import { Lines } from './lines.tsx';

export interface CompareViewProps {
  readonly a: BoardRow;
  readonly b: BoardRow;
  readonly result: SelectorComparison;
  readonly width: number;
  readonly height: number;
}

export function CompareView({ a, b, result, width, height }: CompareViewProps) {
  return <Lines lines={compareLines(a, b, result, width, height)} />;
}
