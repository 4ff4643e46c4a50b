// Loaded into warden's Node processes by bench/helpers.ts (NODE_OPTIONS=--require): each writes
// its own peak RSS (getrusage, this process alone) when it exits, so a benchmark can tell
// warden's memory from that of the etcd/etcdctl processes it runs, which GNU time counts too.
/* global process, require */
const file = process.env.WARDEN_BENCH_RSS_FILE;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload
if (file) process.on('exit', () => require('node:fs').appendFileSync(file, `${process.pid} ${process.resourceUsage().maxRSS}\n`));
