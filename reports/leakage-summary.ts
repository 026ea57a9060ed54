/**
 * The leakage section's summary. An audit writes one warning per notable feature, so one split and
 * feature set can carry ten near-identical lines, and a report over several seeds and feature sets
 * screens of them. The summary keeps one line per (split, feature set, kind of finding) with its
 * count and strongest instance; the full list stays in the model for whoever expands it.
 */
import type { ReportModel } from './model.ts';

/** One kind of audit warning, recognised by its wording (splits/audit.ts writes them). */
interface FindingKind {
  finding: string;
  pattern: RegExp;
  /** How strong one instance is, to name the strongest; larger is stronger. */
  strength: (m: RegExpMatchArray) => number;
  /** The instance as the summary names it. */
  example: (m: RegExpMatchArray) => string;
}

const distance = (auc: string) => Math.abs(Number(auc) - 0.5);

const KINDS: readonly FindingKind[] = [
  {
    finding: 'single features separate the classes',
    pattern: /^feature '(.*)' alone separates the classes \(AUC train (\S+), test ([^;)\s]+)/s,
    strength: (m) => distance(m[3]!),
    example: (m) => `'${m[1]}' (test AUC ${m[3]})`,
  },
  {
    finding: 'single features carry much of the label',
    pattern: /^feature '(.*)' alone carries much of the label \(AUC train (\S+), test ([^;)\s]+)/s,
    strength: (m) => distance(m[3]!),
    example: (m) => `'${m[1]}' (test AUC ${m[3]})`,
  },
  {
    finding: 'trivial rules reach a high test AUC',
    pattern: /^trivial rule (\S+) reaches test AUC (\S+), F1 (\S+)$/,
    strength: (m) => Number(m[2]),
    example: (m) => `${m[1]} (test AUC ${m[2]}, F1 ${m[3]})`,
  },
  {
    finding: 'test sequences repeat a training sequence’s token bag',
    pattern: /^(\S+) % of test sequences have a token bag identical to a training sequence$/,
    strength: (m) => Number(m[1]),
    example: (m) => `${m[1]} % of test sequences`,
  },
];

/**
 * One line per (split, feature set, kind of finding), in the audits' order and each kind in order of
 * first appearance: how many warnings of that kind, and the strongest. A warning of no known kind
 * is its own line, with its text as the finding.
 */
export function summarizeLeakage(leakage: ReportModel['leakage']): ReportModel['leakageSummary'] {
  return leakage.flatMap(({ split, featureSet, warnings }) => {
    const lines = new Map<string, { count: number; strength: number; example: string }>();
    for (const w of warnings) {
      let finding = w;
      let strength = Number.NEGATIVE_INFINITY;
      let example = '';
      for (const kind of KINDS) {
        const m = w.match(kind.pattern);
        if (!m) continue;
        finding = kind.finding;
        strength = kind.strength(m);
        example = kind.example(m);
        break;
      }
      const line = lines.get(finding);
      if (!line) lines.set(finding, { count: 1, strength, example });
      else {
        line.count++;
        if (strength > line.strength) Object.assign(line, { strength, example });
      }
    }
    return [...lines].map(([finding, { count, example }]) => ({
      split,
      featureSet,
      finding,
      count,
      strongest: example,
    }));
  });
}
