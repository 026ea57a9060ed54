/**
 * `bench board`: the interactive terminal leaderboard (Ink) and its plain-text fallback. This door
 * stays light: Ink and React load only through `loadTerminalBoard` (see terminal.ts), once the
 * caller knows it has a terminal.
 */
export { csvColumns, csvField, renderCsv } from './csv.ts';
export { renderStaticTable } from './static.ts';
export { loadTerminalBoard } from './terminal.ts';
