// Flags that take a duration, a size or a number: parsed (and bounded) when commander reads the
// command line, so a bad value is one line before anything runs, and actions get numbers.
import { Option } from 'commander';
import { UsageError } from '../errors.ts';
import { parseDuration, type DurationBounds } from '../util/duration.ts';
import { parseSize, type SizeBounds } from '../util/size.ts';

function longName(opt: Option): string {
  return opt.long ?? opt.flags;
}

/**
 * A `--flag <duration>` option whose value is milliseconds. `max` (default 24h, said in the
 * program's help) bounds it; flags armed as timers stay within Node's timer limit (~596h).
 */
export function durationOption(flags: string, description: string, o: { default?: string; max?: string; allowZero?: boolean } = {}): Option {
  const opt = new Option(flags, o.max ? `${description} (at most ${o.max})` : description);
  const flag = longName(opt);
  const bounds: DurationBounds = {
    ...(o.max ? { maxMs: parseDuration(o.max, flag, { maxMs: Infinity }) } : {}),
    ...(o.allowZero ? { allowZero: true } : {}),
  };
  opt.argParser((v: string) => parseDuration(v, flag, bounds));
  if (o.default !== undefined) opt.default(parseDuration(o.default, flag, bounds), o.default);
  return opt;
}

/** A `--flag <size>` option whose value is bytes; `max` defaults to 1PiB. */
export function sizeOption(flags: string, description: string, o: { default?: string; max?: string; allowZero?: boolean } = {}): Option {
  const opt = new Option(flags, o.max ? `${description} (at most ${o.max})` : description);
  const flag = longName(opt);
  const bounds: SizeBounds = {
    ...(o.max ? { max: parseSize(o.max, flag, { max: Infinity }) } : {}),
    ...(o.allowZero ? { allowZero: true } : {}),
  };
  opt.argParser((v: string) => parseSize(v, flag, bounds));
  if (o.default !== undefined) opt.default(parseSize(o.default, flag, bounds), o.default);
  return opt;
}

/** A whole number from `min` to `max`; `hint` says what to give instead. */
export function parseWholeNumber(text: string, flag: string, o: { min: number; max: number; hint: string }): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < o.min || n > o.max) {
    const range = o.max === Number.MAX_SAFE_INTEGER ? `of ${o.min} or more` : `from ${o.min} to ${o.max}`;
    throw new UsageError(`${flag} must be a whole number ${range} (got "${text}"): ${o.hint}`);
  }
  return n;
}

/** A `--flag <n>` option holding a whole number from `min` to `max`. */
export function wholeNumberOption(flags: string, description: string, o: { min: number; max?: number; hint: string; default?: number }): Option {
  const opt = new Option(flags, description);
  const flag = longName(opt);
  const bounds = { min: o.min, max: o.max ?? Number.MAX_SAFE_INTEGER, hint: o.hint };
  opt.argParser((v: string) => parseWholeNumber(v, flag, bounds));
  if (o.default !== undefined) opt.default(o.default);
  return opt;
}

/** `--lease-ttl <seconds>`: the leader lease of the operator, and of `encryption --wait` when it migrates. */
export function leaseTtlOption(description: string): Option {
  return wholeNumberOption('--lease-ttl <seconds>', description, { min: 2, max: 3600, hint: 'the default is 10', default: 10 });
}

function parseMigrationRate(text: string): number {
  const n = /^\s*\d+(?:\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!(n > 0 && n <= 1e6)) throw new UsageError(`--migration-rate must be a number of objects per second above 0, at most 1000000 (got "${text}"): e.g. --migration-rate 100`);
  return n;
}

/** `--migration-rate <n>`: the encryption migration throttle, objects per second (unlimited when absent). */
export function migrationRateOption(description: string): Option {
  return new Option('--migration-rate <n>', description).argParser(parseMigrationRate);
}
