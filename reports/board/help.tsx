/** The help overlay: every key of the board. */
import { helpLines } from './keys.ts';
import { Lines } from './lines.tsx';

export interface HelpProps {
  readonly width: number;
}

export function Help({ width }: HelpProps) {
  return <Lines lines={helpLines(width)} />;
}
