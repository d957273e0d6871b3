import {
  findItem,
  findRegion,
  formatFen,
  formatRegionName,
  Handling,
  listCategories,
  listItems,
  priceUnitNames,
  qualificationNames,
  type ServiceItem,
} from '@jiazheng/sync/domain';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { PublicEnterprise } from '../../ports/public-site-source';
import type { StoredAnnouncement } from '../../ports/public-submissions';
import { CENTRE_NAME } from '../../domain/centre-name';

/**
 * The public website's pages, rendered on the server with `hono/html`: every interpolated value is
 * escaped unless it is itself rendered markup, so nothing a citizen or staff member typed can become
 * markup. No scripts and no inline styles, so the Content-Security-Policy can forbid both.
 */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
export type Lang = 'zh' | 'en';

const text = {
  zh: {
    home: '首页',
    services: '服务目录',
    enterprises: '推荐企业',
    order: '在线下单',
    complaint: '投诉',
    announcements: '公告',
    otherLanguage: 'English',
    hotline: '服务热线',
    welcome: '中心统一受理家政、养老、维修等便民服务需求，派给经审核的加盟企业，并回访、受理投诉。',
    latest: '最新公告',
    noAnnouncements: '暂无公告。',
    more: '全部公告',
    includes: '服务内容',
    guidePrice: '指导价',
    qualifications: '从业人员资质',
    informationItem: '电话咨询，免费',
    noEnterprises: '暂无推荐企业。',
    warned: '警告中',
    volunteer: '志愿者组织',
    servesItems: '服务项目',
    servesCounties: '服务区县',
    orderIntro: '提交后，订单交由所在区县的服务中心确认并派单，工作人员会电话联系您。',
    noCounties: '网上下单暂未开通，请拨打服务热线。',
    noComplaintCounties: '网上投诉暂未开通，请拨打服务热线。',
    name: '姓名',
    phone: '联系电话',
    county: '所在区县',
    chooseCounty: '请选择区县',
    item: '服务项目',
    chooseItem: '请选择服务项目',
    address: '详细地址',
    wantedDate: '期望日期（可不填）',
    notes: '备注（可不填）',
    submitOrder: '提交订单',
    orderDone: '订单已提交',
    orderReference: '订单编号',
    orderDoneText: '所在区县的服务中心将确认您的订单并电话联系您。',
    complaintIntro: '对服务质量或收费有意见，请在此投诉；中心将在核实后答复。',
    enterprise: '被投诉企业',
    chooseEnterprise: '从列表选择（或在下方填写）',
    enterpriseName: '企业名称（不在列表中时填写）',
    kind: '投诉类型',
    quality: '服务质量',
    price: '收费',
    description: '投诉内容',
    submitComplaint: '提交投诉',
    complaintDone: '投诉已收到',
    complaintReference: '投诉编号',
    complaintDoneText: '中心将在核实后联系您。',
    leaveEmpty: '请勿填写此项',
    fixErrors: '请更正下列标出的内容。',
    tooMany: '提交过于频繁',
    tooManyText: '请稍后再试，或拨打服务热线。',
    join: '入驻申请',
    joinIntro:
      '家政企业和志愿者组织可在此申请加入服务网络。登记处按资质清单审核，通过后签订质量保证协议，即可接受派单。',
    applicantKind: '申请类型',
    enterpriseKind: '家政企业',
    volunteerKind: '志愿者组织',
    organisationName: '企业或组织名称',
    licenceNumber: '统一社会信用代码（志愿者组织可不填）',
    contactName: '联系人',
    servicesOffered: '提供的服务项目',
    countiesServed: '服务区县',
    documents: '证明材料：营业执照、资质证书、保险单等（PDF、JPEG 或 PNG，每个不超过 5 MB，最多 5 个）',
    submitApplication: '提交申请',
    applicationDone: '申请已提交',
    applicationReference: '申请编号',
    applicationDoneText: '登记处将按资质清单审核您的申请，并电话通知结果。',
    back: '返回首页',
    published: '发布于',
  },
  en: {
    home: 'Home',
    services: 'Services',
    enterprises: 'Recommended enterprises',
    order: 'Order online',
    complaint: 'Complaints',
    announcements: 'Announcements',
    otherLanguage: '中文',
    hotline: 'Hotline',
    welcome:
      'The centre takes requests for domestic, elderly-care, repair and other household services, dispatches them to vetted member enterprises, follows up and handles complaints.',
    latest: 'Latest announcements',
    noAnnouncements: 'No announcements yet.',
    more: 'All announcements',
    includes: 'Includes',
    guidePrice: 'Guide price',
    qualifications: 'Worker qualifications',
    informationItem: 'Answered by phone, free of charge',
    noEnterprises: 'No recommended enterprises yet.',
    warned: 'under warning',
    volunteer: 'volunteer group',
    servesItems: 'Services',
    servesCounties: 'Counties served',
    orderIntro:
      "Your order goes to your county's service centre, which confirms it, dispatches it and calls you.",
    noCounties: 'Online ordering is not open yet; please call the hotline.',
    noComplaintCounties: 'Online complaints are not open yet; please call the hotline.',
    name: 'Name',
    phone: 'Phone',
    county: 'County',
    chooseCounty: 'Choose your county',
    item: 'Service',
    chooseItem: 'Choose a service',
    address: 'Address',
    wantedDate: 'Wanted date (optional)',
    notes: 'Notes (optional)',
    submitOrder: 'Place order',
    orderDone: 'Order received',
    orderReference: 'Order reference',
    orderDoneText: "Your county's service centre will confirm the order and call you.",
    complaintIntro: 'Unhappy with the quality or the price of a service? Tell us; we check and answer.',
    enterprise: 'Enterprise',
    chooseEnterprise: 'Choose from the list (or name it below)',
    enterpriseName: 'Enterprise name (if not in the list)',
    kind: 'About',
    quality: 'Service quality',
    price: 'Price',
    description: 'What happened',
    submitComplaint: 'Send complaint',
    complaintDone: 'Complaint received',
    complaintReference: 'Complaint reference',
    complaintDoneText: 'The centre will check it and contact you.',
    leaveEmpty: 'Leave this empty',
    fixErrors: 'Please correct the fields marked below.',
    tooMany: 'Too many submissions',
    tooManyText: 'Please try again later, or call the hotline.',
    join: 'Join the network',
    joinIntro:
      'Domestic service enterprises and volunteer groups apply here to join the network. The registry reviews each application against its checklist; once approved and the quality agreement is signed, orders are dispatched to you.',
    applicantKind: 'Applying as',
    enterpriseKind: 'Enterprise',
    volunteerKind: 'Volunteer group',
    organisationName: 'Name of the enterprise or group',
    licenceNumber: 'Unified social credit code (optional for volunteer groups)',
    contactName: 'Contact person',
    servicesOffered: 'Services offered',
    countiesServed: 'Counties served',
    documents:
      'Documents: business licence, certificates, insurance (PDF, JPEG or PNG, at most 5 MB each, at most 5 files)',
    submitApplication: 'Send application',
    applicationDone: 'Application received',
    applicationReference: 'Application reference',
    applicationDoneText:
      'The registry will review your application against its checklist and call you with the result.',
    back: 'Back to the home page',
    published: 'Published',
  },
} as const;

type Text = (typeof text)[Lang];

/** Links keep the reader's language. */
export function pathFor(options: { path: string; lang: Lang }): string {
  if (options.lang === 'zh') return options.path;
  return `${options.path}${options.path.includes('?') ? '&' : '?'}lang=en`;
}

/** The domain's messages are bilingual (`必填 / required`): the reader's half. */
function inLanguage(options: { message: string; lang: Lang }): string {
  const [zh, en] = options.message.split(' / ');
  return (options.lang === 'en' ? en : zh) ?? options.message;
}

const timeFormats = {
  zh: new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'long' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'long' }),
};

function layout(options: { lang: Lang; title: string; hotline: string; body: Html }): Html {
  const { lang, title, hotline } = options;
  const t = text[lang];
  const nav = (
    ['home', 'services', 'enterprises', 'order', 'complaint', 'announcements', 'join'] as const
  ).map((key) => {
    const path = key === 'home' ? '/' : `/${key}`;
    return html`<li><a href="${pathFor({ path, lang })}">${t[key]}</a></li>`;
  });
  return html`<!doctype html>
    <html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${CENTRE_NAME[lang]}</title>
        <link rel="stylesheet" href="/site.css" />
      </head>
      <body>
        <header>
          <p class="brand"><a href="${pathFor({ path: '/', lang })}">${CENTRE_NAME[lang]}</a></p>
          <nav>
            <ul>
              ${nav}
              <li>
                <a
                  href="${lang === 'zh' ? '?lang=en' : '?lang=zh'}"
                  hreflang="${lang === 'zh' ? 'en' : 'zh-CN'}"
                  >${t.otherLanguage}</a
                >
              </li>
            </ul>
          </nav>
        </header>
        <main>
          <h1>${title}</h1>
          ${options.body}
        </main>
        <footer>
          <p>${t.hotline}: <a href="tel:${hotline}">${hotline}</a></p>
        </footer>
      </body>
    </html>`;
}

function paragraphs(body: string): Html {
  // Escaped line by line; the breaks are the only markup added.
  return html`${body.split('\n').map((line, i) => (i === 0 ? html`${line}` : html`<br />${line}`))}`;
}

function announcementList(options: { lang: Lang; announcements: readonly StoredAnnouncement[] }): Html {
  const t = text[options.lang];
  if (options.announcements.length === 0) return html`<p>${t.noAnnouncements}</p>`;
  return html`<ul class="announcements">
    ${options.announcements.map(
      (a) =>
        html`<li>
          <article>
            <h3>${a.title}</h3>
            <p class="meta">
              ${t.published}
              <time datetime="${new Date(a.publishedAt).toISOString()}"
                >${timeFormats[options.lang].format(a.publishedAt)}</time
              >
            </p>
            <p>${paragraphs(a.body)}</p>
          </article>
        </li>`,
    )}
  </ul>`;
}

export function homePage(options: {
  lang: Lang;
  hotline: string;
  announcements: readonly StoredAnnouncement[];
}): Html {
  const { lang } = options;
  const t = text[lang];
  return layout({
    lang,
    hotline: options.hotline,
    title: CENTRE_NAME[lang],
    body: html`<p>${t.welcome}</p>
      <p class="hotline">${t.hotline}: <a href="tel:${options.hotline}">${options.hotline}</a></p>
      <ul class="actions">
        <li><a href="${pathFor({ path: '/services', lang })}">${t.services}</a></li>
        <li><a href="${pathFor({ path: '/enterprises', lang })}">${t.enterprises}</a></li>
        <li><a href="${pathFor({ path: '/order', lang })}">${t.order}</a></li>
        <li><a href="${pathFor({ path: '/complaint', lang })}">${t.complaint}</a></li>
      </ul>
      <h2>${t.latest}</h2>
      ${announcementList({ lang, announcements: options.announcements })}
      <p><a href="${pathFor({ path: '/announcements', lang })}">${t.more}</a></p>`,
  });
}

export function announcementsPage(options: {
  lang: Lang;
  hotline: string;
  announcements: readonly StoredAnnouncement[];
}): Html {
  const { lang } = options;
  return layout({
    lang,
    hotline: options.hotline,
    title: text[lang].announcements,
    body: announcementList({ lang, announcements: options.announcements }),
  });
}

function guidePrice(options: { item: ServiceItem; lang: Lang }): string {
  const price = options.item.standard.guidePrice;
  if (price === null) return text[options.lang].informationItem;
  const locale = options.lang === 'zh' ? 'zh-CN' : 'en';
  const range =
    price.minFen === price.maxFen
      ? formatFen({ fen: price.minFen, locale })
      : `${formatFen({ fen: price.minFen, locale })}–${formatFen({ fen: price.maxFen, locale })}`;
  return `${range} ${priceUnitNames[price.unit][options.lang]}`;
}

export function servicesPage(options: { lang: Lang; hotline: string }): Html {
  const { lang } = options;
  const t = text[lang];
  const categories = listCategories().map((category) => {
    const items = listItems({ categoryCode: category.code }).map((item) => {
      const quals = item.standard.qualifications.map((q) => qualificationNames[q][lang]);
      return html`<li id="${item.code}">
        <h3>${item.name[lang]}</h3>
        <dl>
          <dt>${t.includes}</dt>
          <dd>${item.standard.includes[lang]}</dd>
          <dt>${t.guidePrice}</dt>
          <dd>${guidePrice({ item, lang })}</dd>
          ${
            quals.length > 0
              ? html`<dt>${t.qualifications}</dt>
                  <dd>${quals.join(lang === 'zh' ? '、' : ', ')}</dd>`
              : ''
          }
        </dl>
      </li>`;
    });
    return html`<section>
      <h2 id="${category.code}">${category.name[lang]}</h2>
      <ul class="items">
        ${items}
      </ul>
    </section>`;
  });
  return layout({ lang, hotline: options.hotline, title: t.services, body: html`${categories}` });
}

function countyName(code: string): string {
  return findRegion({ code }) ? formatRegionName({ code }) : code;
}

export function enterprisesPage(options: {
  lang: Lang;
  hotline: string;
  enterprises: readonly PublicEnterprise[];
}): Html {
  const { lang } = options;
  const t = text[lang];
  const list =
    options.enterprises.length === 0
      ? html`<p>${t.noEnterprises}</p>`
      : html`<ul class="enterprises">
          ${options.enterprises.map((e) => {
            const items = e.items.map((code) => findItem({ code })?.name[lang] ?? code);
            const counties = e.counties.map(countyName);
            const sep = lang === 'zh' ? '、' : ', ';
            return html`<li>
              <h2>
                ${e.name}${e.kind === 'volunteer' ? html` <span class="tag">${t.volunteer}</span>` : ''}${e.status === 'warned' ? html` <span class="tag warned">${t.warned}</span>` : ''}
              </h2>
              <dl>
                <dt>${t.servesItems}</dt>
                <dd>${items.join(sep)}</dd>
                <dt>${t.servesCounties}</dt>
                <dd>${counties.join(sep)}</dd>
              </dl>
            </li>`;
          })}
        </ul>`;
  return layout({ lang, hotline: options.hotline, title: t.enterprises, body: list });
}

/** What the reader typed (kept when the form comes back with errors) and the errors by field. */
export type FormState = { values: Record<string, string>; errors: Record<string, string> };

function fieldRow(options: {
  name: string;
  label: string;
  form: FormState;
  lang: Lang;
  control: Html;
}): Html {
  const error = options.form.errors[options.name];
  return html`<div class="field${error ? ' has-error' : ''}">
    <label for="${options.name}">${options.label}</label> ${options.control}
    ${error ? html`<p class="error" id="${options.name}-error" data-field="${options.name}">${inLanguage({ message: error, lang: options.lang })}</p>` : ''}
  </div>`;
}

function inputAttributes(options: { name: string; form: FormState }): Html {
  const error = options.form.errors[options.name];
  return html`id="${options.name}"
  name="${options.name}"${error ? html` aria-invalid="true" aria-describedby="${options.name}-error"` : ''}`;
}

function textInput(options: {
  name: string;
  label: string;
  form: FormState;
  lang: Lang;
  type?: string;
  maxLength: number;
  required?: boolean;
  autocomplete?: string;
}): Html {
  const { name, form } = options;
  return fieldRow({
    ...options,
    control: html`<input
      type="${options.type ?? 'text'}"
      ${inputAttributes({ name, form })}
      value="${form.values[name] ?? ''}"
      maxlength="${options.maxLength}"
      ${options.required ? html` required` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}
    />`,
  });
}

function textArea(options: {
  name: string;
  label: string;
  form: FormState;
  lang: Lang;
  maxLength: number;
  required?: boolean;
}): Html {
  const { name, form } = options;
  return fieldRow({
    ...options,
    control: html`<textarea
      ${inputAttributes({ name, form })}
      rows="5"
      maxlength="${options.maxLength}"
      ${options.required ? html` required` : ''}
    >
${form.values[name] ?? ''}</textarea>`,
  });
}

function option(options: { value: string; label: string; selected: string | undefined }): Html {
  return html`<option value="${options.value}" ${options.value === options.selected ? html` selected` : ''}>
    ${options.label}
  </option>`;
}

/** A field only robots fill in: hidden by the stylesheet and from assistive technology. */
function honeypot(options: { lang: Lang }): Html {
  return html`<div class="hp" aria-hidden="true">
    <label for="website">${text[options.lang].leaveEmpty}</label
    ><input type="text" id="website" name="website" tabindex="-1" autocomplete="off" />
  </div>`;
}

function errorSummary(options: { form: FormState; lang: Lang }): Html {
  return Object.keys(options.form.errors).length > 0
    ? html`<p class="error-summary" role="alert">${text[options.lang].fixErrors}</p>`
    : html``;
}

export function orderPage(options: {
  lang: Lang;
  hotline: string;
  counties: readonly string[];
  form: FormState;
}): Html {
  const { lang, form } = options;
  const t = text[lang];
  if (options.counties.length === 0) {
    return layout({ lang, hotline: options.hotline, title: t.order, body: html`<p>${t.noCounties}</p>` });
  }
  const countyOptions = options.counties.map((code) =>
    option({ value: code, label: countyName(code), selected: form.values.countyCode }),
  );
  const itemGroups = listCategories().map((category) => {
    const items = listItems({ categoryCode: category.code }).filter((i) => i.handling === Handling.dispatch);
    if (items.length === 0) return '';
    return html`<optgroup label="${category.name[lang]}">
      ${items.map((item) =>
        option({ value: item.code, label: item.name[lang], selected: form.values.itemCode }),
      )}
    </optgroup>`;
  });
  const body = html`<p>${t.orderIntro}</p>
    ${errorSummary({ form, lang })}
    <form method="post" action="${pathFor({ path: '/order', lang })}" accept-charset="utf-8">
      ${textInput({ name: 'name', label: t.name, form, lang, maxLength: 40, required: true, autocomplete: 'name' })}
      ${textInput({ name: 'phone', label: t.phone, form, lang, type: 'tel', maxLength: 40, required: true, autocomplete: 'tel' })}
      ${fieldRow({
        name: 'countyCode',
        label: t.county,
        form,
        lang,
        control: html`<select ${inputAttributes({ name: 'countyCode', form })} required>
          ${option({ value: '', label: t.chooseCounty, selected: form.values.countyCode ?? '' })}${countyOptions}
        </select>`,
      })}
      ${fieldRow({
        name: 'itemCode',
        label: t.item,
        form,
        lang,
        control: html`<select ${inputAttributes({ name: 'itemCode', form })} required>
          ${option({ value: '', label: t.chooseItem, selected: form.values.itemCode ?? '' })}${itemGroups}
        </select>`,
      })}
      ${textInput({ name: 'address', label: t.address, form, lang, maxLength: 200, required: true, autocomplete: 'street-address' })}
      ${textInput({ name: 'wantedDate', label: t.wantedDate, form, lang, type: 'date', maxLength: 10 })}
      ${textArea({ name: 'notes', label: t.notes, form, lang, maxLength: 500 })} ${honeypot({ lang })}
      <p><button type="submit">${t.submitOrder}</button></p>
    </form>`;
  return layout({ lang, hotline: options.hotline, title: t.order, body });
}

export function complaintPage(options: {
  lang: Lang;
  hotline: string;
  enterprises: readonly PublicEnterprise[];
  /** Counties a complaint can be filed for: the network's, whose desks work on it with the centre. */
  counties: readonly string[];
  form: FormState;
}): Html {
  const { lang, form } = options;
  const t = text[lang];
  if (options.counties.length === 0) {
    return layout({
      lang,
      hotline: options.hotline,
      title: t.complaint,
      body: html`<p>${t.noComplaintCounties}</p>`,
    });
  }
  const countyOptions = options.counties.map((code) =>
    option({ value: code, label: countyName(code), selected: form.values.countyCode }),
  );
  const kinds = (['quality', 'price'] as const).map(
    (kind) =>
      html`<label class="choice"
        ><input
          type="radio"
          name="kind"
          value="${kind}"
          ${form.values.kind === kind ? html` checked` : ''}
          required
        />
        ${t[kind]}</label
      >`,
  );
  const body = html`<p>${t.complaintIntro}</p>
    ${errorSummary({ form, lang })}
    <form method="post" action="${pathFor({ path: '/complaint', lang })}" accept-charset="utf-8">
      ${textInput({ name: 'name', label: t.name, form, lang, maxLength: 40, required: true, autocomplete: 'name' })}
      ${textInput({ name: 'phone', label: t.phone, form, lang, type: 'tel', maxLength: 40, required: true, autocomplete: 'tel' })}
      ${fieldRow({
        name: 'countyCode',
        label: t.county,
        form,
        lang,
        control: html`<select ${inputAttributes({ name: 'countyCode', form })} required>
          ${option({ value: '', label: t.chooseCounty, selected: form.values.countyCode ?? '' })}${countyOptions}
        </select>`,
      })}
      ${fieldRow({
        name: 'enterpriseId',
        label: t.enterprise,
        form,
        lang,
        control: html`<select ${inputAttributes({ name: 'enterpriseId', form })}>
          ${option({ value: '', label: t.chooseEnterprise, selected: form.values.enterpriseId ?? '' })}${options.enterprises.map((e) => option({ value: e.id, label: e.name, selected: form.values.enterpriseId }))}
        </select>`,
      })}
      ${textInput({ name: 'enterpriseName', label: t.enterpriseName, form, lang, maxLength: 100 })}
      ${fieldRow({ name: 'kind', label: t.kind, form, lang, control: html`<div id="kind" role="radiogroup" ${form.errors.kind ? html` aria-describedby="kind-error"` : ''}>${kinds}</div>` })}
      ${textArea({ name: 'description', label: t.description, form, lang, maxLength: 2000, required: true })}
      ${honeypot({ lang })}
      <p><button type="submit">${t.submitComplaint}</button></p>
    </form>`;
  return layout({ lang, hotline: options.hotline, title: t.complaint, body });
}

const receivedTexts = {
  order: { title: 'orderDone', reference: 'orderReference', text: 'orderDoneText' },
  complaint: { title: 'complaintDone', reference: 'complaintReference', text: 'complaintDoneText' },
  application: { title: 'applicationDone', reference: 'applicationReference', text: 'applicationDoneText' },
} as const;

export function receivedPage(options: {
  lang: Lang;
  hotline: string;
  kind: keyof typeof receivedTexts;
  reference: string | null;
  countyCode: string | null;
}): Html {
  const { lang } = options;
  const t: Text = text[lang];
  const keys = receivedTexts[options.kind];
  const title = t[keys.title];
  const body = html`${options.reference ? html`<p class="reference">${t[keys.reference]}: <strong>${options.reference}</strong></p>` : ''}
    ${options.countyCode ? html`<p>${t.county}: ${countyName(options.countyCode)}</p>` : ''}
    <p>${t[keys.text]}</p>
    <p><a href="${pathFor({ path: '/', lang })}">${t.back}</a></p>`;
  return layout({ lang, hotline: options.hotline, title, body });
}

function checkbox(options: {
  name: string;
  value: string;
  label: string;
  checked: ReadonlySet<string>;
}): Html {
  return html`<label class="choice"
    ><input
      type="checkbox"
      name="${options.name}"
      value="${options.value}"
      ${options.checked.has(options.value) ? html` checked` : ''}
    />
    ${options.label}</label
  >`;
}

/** The recruitment form: multipart, because documents travel with it. Lists come back as `a,b,c`. */
export function joinPage(options: {
  lang: Lang;
  hotline: string;
  counties: readonly string[];
  form: FormState;
}): Html {
  const { lang, form } = options;
  const t = text[lang];
  if (options.counties.length === 0) {
    return layout({ lang, hotline: options.hotline, title: t.join, body: html`<p>${t.noCounties}</p>` });
  }
  const listed = (name: string) => new Set((form.values[name] ?? '').split(',').filter((v) => v !== ''));
  const items = listed('items');
  const counties = listed('counties');
  const kinds = (['enterprise', 'volunteer'] as const).map(
    (kind) =>
      html`<label class="choice"
        ><input
          type="radio"
          name="kind"
          value="${kind}"
          ${form.values.kind === kind ? html` checked` : ''}
          required
        />
        ${kind === 'enterprise' ? t.enterpriseKind : t.volunteerKind}</label
      >`,
  );
  const itemGroups = listCategories().map((category) => {
    const inCategory = listItems({ categoryCode: category.code }).filter(
      (i) => i.handling === Handling.dispatch,
    );
    if (inCategory.length === 0) return '';
    return html`<fieldset>
      <legend>${category.name[lang]}</legend>
      ${inCategory.map((item) => checkbox({ name: 'items', value: item.code, label: item.name[lang], checked: items }))}
    </fieldset>`;
  });
  const group = (name: string, label: string, controls: unknown) =>
    fieldRow({
      name,
      label,
      form,
      lang,
      control: html`<div
        id="${name}"
        role="group"
        ${form.errors[name] ? html` aria-describedby="${name}-error"` : ''}
      >
        ${controls}
      </div>`,
    });
  const body = html`<p>${t.joinIntro}</p>
    ${errorSummary({ form, lang })}
    <form
      method="post"
      action="${pathFor({ path: '/join', lang })}"
      accept-charset="utf-8"
      enctype="multipart/form-data"
    >
      ${group('kind', t.applicantKind, kinds)}
      ${textInput({ name: 'name', label: t.organisationName, form, lang, maxLength: 100, required: true, autocomplete: 'organization' })}
      ${textInput({ name: 'licenceNumber', label: t.licenceNumber, form, lang, maxLength: 18 })}
      ${textInput({ name: 'contactName', label: t.contactName, form, lang, maxLength: 40, required: true, autocomplete: 'name' })}
      ${textInput({ name: 'contactPhone', label: t.phone, form, lang, type: 'tel', maxLength: 40, required: true, autocomplete: 'tel' })}
      ${group('items', t.servicesOffered, itemGroups)}
      ${group(
        'counties',
        t.countiesServed,
        options.counties.map((code) =>
          checkbox({ name: 'counties', value: code, label: countyName(code), checked: counties }),
        ),
      )}
      ${fieldRow({
        name: 'documents',
        label: t.documents,
        form,
        lang,
        control: html`<input
          type="file"
          ${inputAttributes({ name: 'documents', form })}
          multiple
          accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        />`,
      })}
      ${honeypot({ lang })}
      <p><button type="submit">${t.submitApplication}</button></p>
    </form>`;
  return layout({ lang, hotline: options.hotline, title: t.join, body });
}

export function tooManyPage(options: { lang: Lang; hotline: string }): Html {
  const t = text[options.lang];
  return layout({ ...options, title: t.tooMany, body: html`<p>${t.tooManyText}</p>` });
}

/** Served as /site.css: a stylesheet from the site's own origin is all the CSP allows. */
export const SITE_CSS = `
body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1d1d1f; line-height: 1.6; }
header { background: #b3261e; color: #fff; padding: 0.5rem 1rem; }
header a { color: #fff; }
.brand { font-size: 1.3rem; font-weight: bold; margin: 0.25rem 0; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; margin: 0; padding: 0; }
main { max-width: 48rem; margin: 0 auto; padding: 1rem; }
footer { border-top: 1px solid #ddd; padding: 1rem; text-align: center; }
.field { margin-bottom: 1rem; }
.field label { display: block; font-weight: bold; }
input, select, textarea { font: inherit; width: 100%; max-width: 32rem; padding: 0.4rem; box-sizing: border-box; }
.choice { display: inline-block; font-weight: normal; margin-right: 1rem; }
.choice input { width: auto; }
.has-error input, .has-error select, .has-error textarea { border: 2px solid #b3261e; }
.error, .error-summary { color: #b3261e; }
.hp { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
.tag { font-size: 0.8rem; border: 1px solid currentColor; border-radius: 0.3rem; padding: 0 0.3rem; }
.warned { color: #b3261e; }
.meta { color: #666; font-size: 0.9rem; }
button { font: inherit; padding: 0.5rem 1.5rem; background: #b3261e; color: #fff; border: 0; border-radius: 0.3rem; }
`;
