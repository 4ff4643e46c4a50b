// The one printer: every command renders its result as a table, JSON or simple lines,
// chosen with -w/--write-out like etcdctl. Tables look like etcdctl's (tablewriter):
// centred upper-case headers, cells aligned right.
import type TableCtor from 'cli-table3';
import { lazyRequire } from '../util/lazy.ts';

const Table = lazyRequire<typeof TableCtor>('cli-table3');
import { UsageError } from '../errors.ts';

export type OutputFormat = 'table' | 'json' | 'simple';
export const OUTPUT_FORMATS: OutputFormat[] = ['simple', 'json', 'table'];

export function parseOutputFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`unknown output format "${value}" for -w/--write-out: use table, json or simple`);
}

export function renderTable(headers: string[], rows: string[][]): string {
  const table = new (Table())({
    // cli-table3 accepts cell objects in head at run time; its typings only say string.
    head: headers.map((h) => ({ content: h.toUpperCase(), hAlign: 'center' as const })) as unknown as string[],
    style: { head: [], border: [], compact: false, 'padding-left': 1, 'padding-right': 1 },
    chars: {
      top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+',
      bottom: '-', 'bottom-mid': '+', 'bottom-left': '+', 'bottom-right': '+',
      left: '|', 'left-mid': '+', mid: '-', 'mid-mid': '+',
      right: '|', 'right-mid': '+', middle: '|',
    },
  });
  for (const r of rows) table.push(r.map((c) => ({ content: c, hAlign: 'right' as const })));
  // cli-table3 draws a rule between every row; etcdctl's tables only rule off the header.
  const lines = table.toString().split('\n');
  const rule = lines[0] as string;
  return [rule, lines[1], rule, ...lines.slice(3).filter((l, i, a) => l !== rule || i === a.length - 1)].join('\n');
}

/** JSON with bigints written as plain integers (etcd's uint64 IDs exceed 2^53). */
export function toJson(value: unknown, indent?: number): string {
  const tag = `bigint-${Math.random().toString(36).slice(2)}-`;
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${tag}${v.toString()}` : v), indent);
  return text.replace(new RegExp(`"${tag}(-?\\d+)"`, 'g'), '$1');
}

/** go-humanize's Bytes(): SI units, "20 kB", "1.5 MB", as etcdctl prints DB sizes. */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  const unit = units[e] as string;
  if (val < 10) return `${val.toFixed(1)} ${unit}`;
  // Go's %.0f rounds an exact half to even (20.5 -> "20").
  const whole = Math.floor(val);
  const rounded = Math.abs(val - whole - 0.5) < 1e-9 ? (whole % 2 === 0 ? whole : whole + 1) : Math.round(val);
  return `${rounded} ${unit}`;
}

/** Where command output goes; tests capture it. */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const stdio: Output = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

export interface Rendering {
  /** Lines for -w simple. */
  simple: () => string[];
  /** The value printed for -w json. */
  json: () => unknown;
  /** Headers and rows for -w table; commands without a table fall back to simple. */
  table?: () => { headers: string[]; rows: string[][] };
}

export function render(format: OutputFormat, r: Rendering): string {
  if (format === 'json') return toJson(r.json());
  if (format === 'table' && r.table) {
    const t = r.table();
    return renderTable(t.headers, t.rows);
  }
  return r.simple().join('\n');
}
