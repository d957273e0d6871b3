import { APPLIANCE_DEMO_ACCOUNTS, DEMO_PASSWORD, HUB_DEMO_ACCOUNTS } from './demo-logins';
import type { CentrePlan } from './process-plan';

/** The line a script (or a test) waits for: everything is up, seeded, and the URLs follow. */
export const READY_LINE = '家政服务网络中心已就绪 / Jiazheng Network centre is ready';

export type SeedSummary = {
  enterprises: number;
  workers: number;
  orders: Readonly<Record<string, number>>;
  /** Past calls per county (absent in data made before calls were seeded). */
  calls?: Readonly<Record<string, number>>;
  /** When the demo data was made (epoch ms). */
  seededAt: number;
  /** How long seeding took, in seconds. */
  seconds: number;
};

/** What `npm start` prints once everything is up: where to go and how to sign in. */
export function renderBanner(options: {
  plan: CentrePlan;
  dataDir: string;
  secretsFile: string;
  /** The hub's console (PWA for the central office), when the hub serves one. */
  hubConsoleUrl: string | undefined;
  /** Whether the appliances serve the PWA (pwa/build exists). */
  pwaBuilt: boolean;
  seed: SeedSummary | undefined;
  /** True when this start made the data, false when it found it. */
  seededNow: boolean;
  startupSeconds: number;
}): string[] {
  const { plan } = options;
  const hub = plan.hub.url;
  const rule = '═'.repeat(78);
  const lines = [
    rule,
    `${READY_LINE} (${options.startupSeconds.toFixed(1)} s)`,
    rule,
    `中心枢纽 / hub: ${hub}`,
    `  公众网站 / public website: ${hub}/  (English: ${hub}/?lang=en)`,
    ...(options.hubConsoleUrl === undefined
      ? []
      : [`  中心控制台 / central console (PWA): ${options.hubConsoleUrl}`]),
    `  管理接口 / admin API: ${hub}/api  (Authorization: Bearer <hubAdminToken in ${options.secretsFile}>, or a login)`,
    `  统计 / reports: ${hub}/api/reports/orders?level=county&period=day&from=…&to=…`,
  ];
  for (const appliance of plan.appliances) {
    const county = appliance.county;
    lines.push(
      `区县设备 / county appliance ${county?.name ?? appliance.name} (${county?.code ?? ''}): ${appliance.url}/`,
      options.pwaBuilt
        ? `  坐席台 / console (PWA): ${appliance.url}/`
        : `  坐席台 / console: 未构建 / not built (npm run build -w @jiazheng/pwa), API at ${appliance.url}/api`,
      `  交换机 / switch: 模拟器·培训模式 / simulator, training: citizens call about once a minute; answer in the console`,
    );
  }
  lines.push(
    '',
    `⚠ 演示账号，仅供演示 / DEMO LOGINS, DEMO ONLY — fixed public passwords, never use them for real data ⚠`,
    `  密码（全部相同）/ password (all of them): ${DEMO_PASSWORD}`,
    `  中心枢纽 / at the hub ${hub}:`,
  );
  for (const account of HUB_DEMO_ACCOUNTS)
    lines.push(`    ${account.username.padEnd(11)} ${account.title.zh} / ${account.title.en}`);
  lines.push(`  每个区县设备 / at each county appliance (${plan.appliances.map((a) => a.url).join(', ')}):`);
  for (const account of APPLIANCE_DEMO_ACCOUNTS)
    lines.push(
      `    ${account.username.padEnd(11)} ${account.title.zh} / ${account.title.en}${account.seat === undefined ? '' : `, 分机 / seat ${account.seat}`}${account.role === 'call_taker' || account.role === 'supervisor' ? ` (${account.displayName})` : ''}`,
    );
  lines.push('');
  if (options.seed === undefined) {
    lines.push('演示数据 / demo data: 无 / none');
  } else {
    const s = options.seed;
    const orders = Object.entries(s.orders)
      .map(([county, n]) => `${county}: ${n}`)
      .join(', ');
    const calls =
      s.calls === undefined
        ? ''
        : `, 来电 calls ${Object.entries(s.calls)
            .map(([county, n]) => `${county}: ${n}`)
            .join(', ')}`;
    lines.push(
      `演示数据 / demo data: ${s.enterprises} 家企业 enterprises, ${s.workers} 名服务人员 workers, 订单 orders ${orders}${calls}`,
      options.seededNow
        ? `  本次启动生成，用时 ${s.seconds.toFixed(1)} 秒 / made by this start in ${s.seconds.toFixed(1)} s`
        : `  沿用 ${new Date(s.seededAt).toISOString()} 生成的数据 / kept from the first start (${new Date(s.seededAt).toISOString()})`,
    );
  }
  lines.push(
    `数据目录 / data: ${options.dataDir} (删除它重新开始 / delete it to start afresh)`,
    '按 Ctrl-C 停止全部 / press Ctrl-C to stop everything',
    rule,
  );
  return lines;
}
