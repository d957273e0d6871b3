import type { Role } from '@jiazheng/sync/domain';

/**
 * The demo staff: fixed, documented passwords so whoever runs `npm start` can sign in at once. DEMO ONLY:
 * anyone who reads this file knows them; a real centre creates its staff with their own passwords.
 */
export const DEMO_PASSWORD = 'jiazheng-demo-2026';

/** The two counties the demo runs: real GB/T 2260 codes of Hangzhou. */
export const DEMO_COUNTIES = [
  { code: '330106', name: '杭州市西湖区', short: '西湖区' },
  { code: '330102', name: '杭州市上城区', short: '上城区' },
] as const;
export type DemoCounty = (typeof DEMO_COUNTIES)[number];

/** An account at the hub, as `POST /api/users` takes it (the administrator is the hub's bootstrap `admin`). */
export type HubDemoAccount = {
  username: string;
  displayName: string;
  role: Extract<
    Role,
    | 'administrator'
    | 'central_office'
    | 'registry_officer'
    | 'quality_inspector'
    | 'technician'
    | 'supervisor'
  >;
  /** What the staff member is called in the issue and on the banner. */
  title: { zh: string; en: string };
  scope: { level: 'country' } | { level: 'county'; code: string };
  /** Made by the hub itself from JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD, not through the API. */
  bootstrap: boolean;
};

export const HUB_DEMO_ACCOUNTS: readonly HubDemoAccount[] = [
  {
    username: 'admin',
    displayName: '系统管理员',
    role: 'administrator',
    title: { zh: '系统管理员', en: 'administrator' },
    scope: { level: 'country' },
    bootstrap: true,
  },
  {
    username: 'analyst',
    displayName: '赵敏（统计分析）',
    role: 'central_office',
    title: { zh: '中心统计分析员', en: 'central office analyst' },
    scope: { level: 'country' },
    bootstrap: false,
  },
  {
    username: 'registry',
    displayName: '钱进（企业登记）',
    role: 'registry_officer',
    title: { zh: '企业登记员', en: 'registry officer' },
    scope: { level: 'country' },
    bootstrap: false,
  },
  {
    username: 'inspector',
    displayName: '孙莉（质量监督）',
    role: 'quality_inspector',
    title: { zh: '质量监督员', en: 'quality inspector' },
    scope: { level: 'country' },
    bootstrap: false,
  },
  {
    username: 'technician',
    displayName: '周涛（技术维护）',
    role: 'technician',
    title: { zh: '技术维护员', en: 'technician' },
    scope: { level: 'country' },
    bootstrap: false,
  },
];

/** An account at a county appliance, as its `POST /api/users` takes it. */
export type ApplianceDemoAccount = {
  username: string;
  displayName: string;
  role: 'admin' | 'supervisor' | 'call_taker';
  title: { zh: string; en: string };
  /** The seat phone's extension: the training scenario's agents are 1001 and 1002. */
  seat: string | undefined;
  bootstrap: boolean;
};

export const APPLIANCE_DEMO_ACCOUNTS: readonly ApplianceDemoAccount[] = [
  {
    username: 'taker1',
    displayName: '王丽',
    role: 'call_taker',
    title: { zh: '坐席（话务员）', en: 'call-taker' },
    seat: '1001',
    bootstrap: false,
  },
  {
    username: 'taker2',
    displayName: '李强',
    role: 'call_taker',
    title: { zh: '坐席（话务员）', en: 'call-taker' },
    seat: '1002',
    bootstrap: false,
  },
  {
    username: 'supervisor',
    displayName: '陈静（班长）',
    role: 'supervisor',
    title: { zh: '值班长', en: 'supervisor' },
    seat: undefined,
    bootstrap: false,
  },
  {
    username: 'admin',
    displayName: 'admin',
    role: 'admin',
    title: { zh: '区县设备管理员', en: 'appliance admin' },
    seat: undefined,
    bootstrap: true,
  },
];

/** The call-takers whose devices record the county's order history. */
export const SEEDING_CALL_TAKERS: readonly string[] = APPLIANCE_DEMO_ACCOUNTS.filter(
  (a) => a.role === 'call_taker',
).map((a) => a.username);
