// A county's order book as the console lists it: `count` OrderRows with Chinese names, canonical phones,
// Hangzhou Xihu addresses, notes, the catalogue's items and a spread of statuses. Deterministic (`seed`).
//
// The function is self-contained (no module-level references, only type imports): the Chromium measure
// runs the very same function in the page from its source text.
import type { OrderState } from '@jiazheng/sync/domain';
import type { OrderRow } from '../../src/lib/domain/order-rows';

export function makeOrderRows(options: {
  count: number;
  /** Item codes of dispatched services, then of information items (asked about less often). */
  dispatchItems: readonly string[];
  informationItems: readonly string[];
  seed: number;
}): OrderRow[] {
  // mulberry32
  let s = options.seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const digits = (n: number): string => {
    let out = '';
    for (let i = 0; i < n; i++) out += String(Math.floor(rand() * 10));
    return out;
  };
  const surnames =
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁'.split(
      '',
    );
  const given = [
    '芳',
    '伟',
    '敏',
    '静',
    '丽',
    '强',
    '磊',
    '洋',
    '艳',
    '勇',
    '军',
    '杰',
    '娟',
    '涛',
    '明',
    '超',
  ];
  const given2 = [
    '秀英',
    '桂英',
    '建华',
    '建国',
    '玉兰',
    '志强',
    '晓燕',
    '海燕',
    '国强',
    '丽华',
    '文杰',
    '佳怡',
  ];
  const mobilePrefixes = [
    '138',
    '139',
    '137',
    '135',
    '136',
    '150',
    '151',
    '158',
    '159',
    '186',
    '188',
    '133',
    '177',
    '181',
  ];
  const streets = [
    '文三路',
    '文二路',
    '文一西路',
    '天目山路',
    '古墩路',
    '教工路',
    '学院路',
    '莫干山路',
    '西溪路',
    '紫荆花路',
    '丰潭路',
    '余杭塘路',
    '留和路',
    '之江路',
    '灵隐路',
    '曙光路',
  ];
  const estates = [
    '翠苑一区',
    '文鼎苑',
    '嘉绿苑',
    '骆家庄',
    '府苑新村',
    '金都花园',
    '西溪诚园',
    '耀江花园',
    '蒋村花园',
  ];
  const notes = [
    '家里有老人',
    '需要带工具',
    '周末上门',
    '请先电话联系',
    '家里有宠物',
    '老人独居，需耐心',
    '上次服务满意，指定同一阿姨',
    '门禁密码请电话询问',
    '需要开发票',
    '下午两点以后方便',
  ];
  // Roughly a county's book: most orders done, a working day's worth open.
  const statuses = [
    ...Array<string>(40).fill('closed'),
    ...Array<string>(10).fill('served'),
    ...Array<string>(8).fill('cancelled'),
    ...Array<string>(10).fill('dispatched'),
    ...Array<string>(8).fill('accepted'),
    ...Array<string>(4).fill('in_service'),
    ...Array<string>(12).fill('awaiting_dispatch'),
    ...Array<string>(8).fill('received'),
  ] as OrderState['status'][];
  const start = Date.UTC(2026, 0, 1);
  const rows: OrderRow[] = [];
  for (let i = 0; i < options.count; i++) {
    const status = pick(statuses);
    const information = rand() < 0.15;
    const itemCode = pick(information ? options.informationItems : options.dispatchItems);
    const roll = rand();
    const surname = pick(surnames);
    const citizenName =
      roll < 0.5
        ? surname + (rand() < 0.6 ? pick(given) : pick(given2))
        : roll < 0.85
          ? surname + (rand() < 0.6 ? '女士' : '先生')
          : '';
    const phoneRoll = rand();
    const citizenPhone =
      phoneRoll < 0.72
        ? `+86${pick(mobilePrefixes)}${digits(8)}`
        : phoneRoll < 0.93
          ? `+86571${digits(8)}`
          : null;
    const address =
      rand() < 0.6
        ? `西湖区${pick(streets)} ${1 + Math.floor(rand() * 400)} 号 ${1 + Math.floor(rand() * 6)} 单元 ${1 + Math.floor(rand() * 18)}0${1 + Math.floor(rand() * 4)}`
        : `西湖区${pick(estates)} ${1 + Math.floor(rand() * 60)} 幢 ${1 + Math.floor(rand() * 3)} 单元 ${1 + Math.floor(rand() * 18)}0${1 + Math.floor(rand() * 4)}`;
    const receivedAt = start + Math.floor(rand() * 300 * 86_400_000);
    const dispatched = ['dispatched', 'accepted', 'in_service', 'served', 'closed'].includes(status);
    const enterpriseId = `enterprise:01J${String(Math.floor(rand() * 200)).padStart(23, '0')}`;
    const state: OrderState = {
      id: `order:330106:01J${String(i).padStart(23, '0')}`,
      countyCode: '330106',
      status,
      channel: rand() < 0.9 ? 'call' : 'sms',
      citizenPhone,
      citizenName,
      itemCode,
      urgency: rand() < 0.1 ? 'urgent' : 'normal',
      address,
      wantedAt: rand() < 0.7 ? receivedAt + 86_400_000 : null,
      durationMinutes: rand() < 0.5 ? 120 : null,
      notes: rand() < 0.6 ? '' : pick(notes),
      receivedAt,
      receivedBy: `seat${1001 + Math.floor(rand() * 12)}`,
      awaitingDispatchSince: status === 'received' ? null : receivedAt + 60_000,
      dispatch: dispatched
        ? {
            enterpriseId,
            dispatchedAt: receivedAt + 600_000,
            dispatchedBy: 'seat1001',
            acceptedAt: status === 'dispatched' ? null : receivedAt + 1_800_000,
            workerId: status === 'dispatched' ? null : `worker:01J${String(i % 5000).padStart(23, '0')}`,
            serviceStartedAt: ['in_service', 'served', 'closed'].includes(status)
              ? receivedAt + 86_400_000
              : null,
            servedAt: ['served', 'closed'].includes(status) ? receivedAt + 93_600_000 : null,
            feeFen: ['served', 'closed'].includes(status) ? 10_000 + Math.floor(rand() * 50_000) : null,
          }
        : null,
      attempts: [],
      returnVisits:
        status === 'closed'
          ? [
              {
                at: receivedAt + 172_800_000,
                by: 'seat1002',
                reached: true,
                satisfaction: 4 + Math.floor(rand() * 2),
                comment: '',
              },
            ]
          : [],
      reopenCount: 0,
      complaints: [],
      resolution: status === 'closed' ? 'served' : status === 'cancelled' ? 'cancelled' : null,
      informationAnswer: null,
      cancelReason: status === 'cancelled' ? '市民来电取消' : null,
      closedAt: status === 'closed' ? receivedAt + 172_800_000 : null,
      updatedAt: receivedAt + 172_800_000,
    };
    rows.push({ recordId: state.id, state, accepted: true, pending: [], conflicts: [] });
  }
  return rows;
}
