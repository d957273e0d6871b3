import { listItems, searchCatalogue, type ServiceItem } from '@jiazheng/sync/domain';

export type KnowledgeEntry = {
  id: string;
  title: { zh: string; en: string };
  answer: { zh: string; en: string };
  /** The catalogue item an answer belongs to, when it is one of the centre's information services. */
  itemCode: string | null;
};

/**
 * The centre's standing answers that are not catalogue items: how the centre works, what it charges,
 * how to complain. The catalogue's information items (policies, life information) are the rest.
 */
const CENTRE_ANSWERS: readonly KnowledgeEntry[] = [
  {
    id: 'centre-hours',
    title: { zh: '服务时间', en: 'Opening hours' },
    answer: {
      zh: '服务热线 24 小时接听；上门服务时间由接单企业与您约定，急件优先安排。',
      en: 'The hotline answers 24 hours a day; the enterprise that takes the order agrees the visit time with you, urgent requests first.',
    },
    itemCode: null,
  },
  {
    id: 'centre-prices',
    title: { zh: '收费标准', en: 'What services cost' },
    answer: {
      zh: '中心登记的服务项目均有指导价；实际收费由企业在指导价范围内报价，服务前告知，中心不另收费。',
      en: 'Every registered service has a guide price; the enterprise quotes within it before the service, and the centre charges nothing itself.',
    },
    itemCode: null,
  },
  {
    id: 'centre-complaints',
    title: { zh: '如何投诉', en: 'How to complain' },
    answer: {
      zh: '对服务质量或价格不满意，可致电热线或在网站提交投诉；中心在 15 天内调查处理并回复结果。',
      en: 'Unhappy with the quality or the price? Call the hotline or complain on the website; the centre investigates and answers within 15 days.',
    },
    itemCode: null,
  },
  {
    id: 'centre-return-visit',
    title: { zh: '服务回访', en: 'Return visits' },
    answer: {
      zh: '服务完成后 3 天内中心会电话回访，请您对服务打分（1–5 分）；不满意的服务将发回重办。',
      en: 'Within 3 days of the service the centre calls you back to score it (1–5); an unsatisfactory service is done again.',
    },
    itemCode: null,
  },
];

function fromItem(item: ServiceItem): KnowledgeEntry {
  return { id: item.code, title: item.name, answer: item.standard.includes, itemCode: item.code };
}

/** Every answer the call-taker can give: the centre's own and the catalogue's information items. */
export function listKnowledge(): KnowledgeEntry[] {
  return [
    ...CENTRE_ANSWERS,
    ...listItems()
      .filter((i) => i.handling === 'information')
      .map(fromItem),
  ];
}

/**
 * Answers matching what the call-taker typed: catalogue items by characters, pinyin or initials (the
 * catalogue's own search), the centre's answers by characters or English words.
 */
export function searchKnowledge(options: { query: string; limit?: number }): KnowledgeEntry[] {
  const query = options.query.trim();
  const limit = options.limit ?? 8;
  if (query === '') return listKnowledge().slice(0, limit);
  const lower = query.toLowerCase();
  const own = CENTRE_ANSWERS.filter((e) =>
    [e.title.zh, e.title.en, e.answer.zh, e.answer.en].some((text) => text.toLowerCase().includes(lower)),
  );
  let items: KnowledgeEntry[] = [];
  try {
    items = searchCatalogue({ query, limit: 50 })
      .filter((r) => r.item.handling === 'information')
      .map((r) => fromItem(r.item));
  } catch {
    // A query the catalogue refuses (too long, only punctuation) simply finds no items.
  }
  return [...own, ...items].slice(0, limit);
}
