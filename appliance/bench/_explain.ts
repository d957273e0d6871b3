import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
const pg = await PgliteRecordStore.openDatabase({ dataDir: '/tmp/jz-scratch' });
const top = await pg.query<{ caller: string; n: number }>("select caller, count(*)::int n from calls where caller is not null group by caller order by n desc limit 3");
console.log(top.rows);
const caller = top.rows[0]!.caller;
const rare = '+8613800000000';
const qs = [
  [`select calls.*, (SELECT r.id FROM recordings r WHERE r.call_id = "calls"."id" AND r.purged_at IS NULL ORDER BY r.created_at DESC LIMIT 1) from calls where caller = $1 and complete = true order by started_at desc limit 10`],
  [`select count(*) from calls where caller = $1 and complete = true`],
  [`select record_id from orders where citizen_phone = $1 order by received_at desc limit 10`],
  [`select count(*) from callbacks where caller = $1 and done_at is null`],
];
for (const who of [caller, rare]) for (const [q] of qs) {
  const t = performance.now();
  const r = await pg.query(`explain (analyze, buffers) ${q}`, [who]);
  console.log(who, (performance.now() - t).toFixed(1), 'ms\n', r.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
}
await pg.close();
