/** The CSV dialect of the trial files and exports: RFC 4180 quoting, `\n` line ends, a header line. */
import { type ArtifactRow, readArtifact } from './file.ts';

/** One CSV line (RFC 4180: cells with a comma, quote or line break are quoted). */
export function csvLine(cells: readonly (string | number)[]): string {
  return cells
    .map((v) => {
      const s = String(v);
      return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(',');
}

/** Splits one CSV line (RFC 4180 quoting). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out;
}

/** A CSV document: the header line, then one line per row, each ending in `\n`. */
export function csvDocument(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return `${[csvLine(header), ...rows.map(csvLine)].join('\n')}\n`;
}

/** The data lines of a CSV artifact (header and empty lines left out), split into cells. */
export function readCsvRows(a: ArtifactRow): string[][] {
  return readArtifact(a)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .slice(1)
    .map(parseCsvLine);
}
