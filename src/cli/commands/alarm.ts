// `warden alarm list|disarm`: etcd's alarms (NOSPACE, CORRUPT), printed as etcdctl prints them.
import type { Command } from 'commander';
import type { Context } from '../context.ts';
import { render } from '../printer.ts';

type Ctx = (cmd: Command) => Context;

export function registerAlarm(program: Command, ctx: Ctx): void {
  const alarm = program.command('alarm').description('list or disarm etcd alarms such as NOSPACE');
  const line = (a: { memberID: bigint; alarm: string }) => `memberID:${a.memberID} alarm:${a.alarm}`;

  alarm
    .command('list')
    .description('list every active alarm: memberID:<id> alarm:<NOSPACE|CORRUPT>')
    .addHelpText('after', '\nExample:\n  warden alarm list')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      await c.onAnyMember(async (member) => {
        const alarms = await member.alarmList();
        const out = render(format, {
          json: () => ({ alarms: alarms.map((a) => ({ memberID: a.memberID, alarm: a.alarm })) }),
          simple: () => alarms.map(line),
          table: () => ({ headers: ['member ID', 'alarm'], rows: alarms.map((a) => [a.memberID.toString(16), a.alarm]) }),
        });
        if (out) c.print(out);
      });
    });

  alarm
    .command('disarm')
    .description('disarm every active alarm (after the cause, e.g. a full DB, is fixed)')
    .addHelpText('after', '\nExample:\n  warden alarm disarm')
    .action(async (_o: unknown, cmd: Command) => {
      const c = ctx(cmd);
      const format = c.format('simple');
      await c.onAnyMember(async (member) => {
        const alarms = await member.alarmDisarm();
        const out = render(format, {
          json: () => ({ alarms: alarms.map((a) => ({ memberID: a.memberID, alarm: a.alarm })) }),
          simple: () => alarms.map(line),
        });
        if (out) c.print(out);
      });
    });
}
