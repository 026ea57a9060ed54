/** The detail view of one row: metrics, confusion matrix, stages, features, leakage, recall by case. */
import { Box } from 'ink';
import type { RowDetail } from '../index.ts';
import { detailLayout } from './layout.ts';
import { Lines } from './lines.tsx';

export interface DetailViewProps {
  readonly detail: RowDetail;
  readonly width: number;
  readonly height: number;
  /** First recall line shown. */
  readonly scroll: number;
}

export function DetailView({ detail, width, height, scroll }: DetailViewProps) {
  const layout = detailLayout(detail, width, height);
  return (
    <Box flexDirection="column">
      <Lines lines={layout.head} />
      <Lines lines={[layout.listTitle(scroll), ...layout.list.slice(scroll, scroll + layout.listRows)]} />
    </Box>
  );
}
