#!/usr/bin/env node
// The `warden` command: loads the TypeScript sources through tsx and runs the CLI. It exits as
// soon as the command is done, whatever handles (gRPC channels, timers) a library left open.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exit(await main(process.argv.slice(2)));
