/**
 * A board row's hyperparameters: its configuration as the experiment defines it (algorithm, resolved
 * options, feature set, vectorizer, level) and, for a tuned variant, each seed's grid search (the
 * trials' `tuning.json`) and the point it chose.
 */
import { readTuning } from '../harness/artifacts/index.ts';
import { paramsLines, plannedParams, pointLabel, type TuningRecord } from '../harness/experiment/index.ts';
import type { FinishedTrial } from '../harness/store/index.ts';

/** One seed's grid search. */
export interface SeedTuning {
  seed: number;
  trial: number;
  tuning: TuningRecord;
}

export interface RowConfiguration {
  /** The configuration as lines of text (empty when the experiment no longer defines the variant). */
  configuration: string[];
  /** Each seed's grid search, by seed (empty for an untuned variant). */
  tuning: SeedTuning[];
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');

/** The configuration of a row from its done trials (the same variant and feature set, one per seed). */
export function rowConfiguration(trials: readonly FinishedTrial[]): RowConfiguration {
  const first = trials[0];
  if (!first) return { configuration: [], tuning: [] };
  const params = plannedParams(first.config, first.variant, first.featureSet);
  const tuning = trials
    .flatMap((t) => {
      const a = t.artifacts.find((x) => x.kind === 'tuning');
      return a ? [{ seed: t.seed, trial: t.id, tuning: readTuning(a) }] : [];
    })
    .sort((a, b) => a.seed - b.seed);
  // The options line shows the registry's or file's options: the chosen points differ per seed.
  const configuration = paramsLines(params, null, fmt);
  if (tuning.length > 0) {
    configuration.push(
      `chosen on validation: ${tuning
        .map(({ seed, tuning: t }) => {
          const c = t.points[t.chosen]!;
          return `seed ${seed} ${pointLabel(c.point)} (val F1 ${fmt(c.valF1)})`;
        })
        .join(' · ')}`,
    );
  }
  return { configuration, tuning };
}

/** One row of the report's configuration section. */
export interface ConfigurationEntry {
  /** `variant:featureSet`, as the leaderboard labels rows. */
  label: string;
  lines: string[];
  /** A tuned row's grid and each seed's validation scores per point (grid order) and choice. */
  tuning?: {
    grid: TuningRecord['grid'];
    seeds: { seed: number; chosen: number; points: TuningRecord['points'] }[];
  };
}

/** The report's configuration section: every row's hyperparameters, its grid searches for tuned rows. */
export function configurationSection(
  rows: readonly { variant: string; featureSet: string; key: string }[],
  detail: (key: string) => { configuration?: string[]; tuning?: SeedTuning[] },
): ConfigurationEntry[] {
  return rows.flatMap((r) => {
    const d = detail(r.key);
    const lines = d.configuration ?? [];
    const tuning = d.tuning ?? [];
    if (lines.length === 0 && tuning.length === 0) return [];
    return [
      {
        label: `${r.variant}:${r.featureSet}`,
        lines,
        ...(tuning.length > 0 && {
          tuning: {
            grid: tuning[0]!.tuning.grid,
            seeds: tuning.map((s) => ({ seed: s.seed, chosen: s.tuning.chosen, points: s.tuning.points })),
          },
        }),
      },
    ];
  });
}
