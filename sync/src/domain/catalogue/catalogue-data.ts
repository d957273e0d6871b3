import type { Qualification } from '../qualifications';
import type { CatalogueData } from './catalogue';

/*
 * The centre's service catalogue (SEED §2), authored as plain data and validated by `validateCatalogue`
 * when the module loads. Item codes are stored in orders forever: never rename or reuse one; retire an
 * item by removing it only once no open order refers to it.
 *
 * Guide prices are 2024 county-town figures in integer fen (1 yuan = 100 fen). They are what the call-taker
 * quotes before dispatch; the enterprise's final quote may differ, and parts or goods are always extra.
 */

// Every dispatched worker passes the centre's own training first (SEED §3).
const trained: Qualification[] = ['pre_post_training'];
// Anyone working inside a home or handling food must hold a valid health certificate.
const household: Qualification[] = ['pre_post_training', 'health_certificate'];

export const catalogueData: CatalogueData = [
  {
    code: 'FAM',
    name: { zh: '家庭服务', en: 'Family services' },
    items: [
      {
        code: 'FAM-NANNY',
        name: { zh: '家庭保姆', en: 'Family nanny' },
        handling: 'dispatch',
        keywords: ['保姆', '住家保姆', '不住家保姆', '找保姆', '做饭阿姨', '家务'],
        standard: {
          includes: {
            zh: '做饭、洗衣、打扫卫生、照看家中老人和小孩等日常家务，可住家或白天上门。',
            en: 'Cooking, laundry, cleaning and keeping an eye on children or elders; live-in or daytime.',
          },
          qualifications: [...household, 'domestic_service_cert'],
          guidePrice: { minFen: 350000, maxFen: 600000, unit: 'per_month' },
        },
      },
      {
        code: 'FAM-MATERNITY',
        name: { zh: '月嫂', en: 'Maternity nurse (yuesao)' },
        handling: 'dispatch',
        keywords: ['月嫂', '坐月子', '月子护理', '产妇护理', '新生儿护理', '母婴护理', '金牌月嫂'],
        standard: {
          includes: {
            zh: '产后月子期住家护理：产妇起居与月子餐、新生儿喂养、洗澡、抚触和脐带护理，一般26天为一期。',
            en: 'Live-in care of mother and newborn after birth: confinement meals, feeding, bathing, massage and cord care; usually 26 days.',
          },
          qualifications: [...household, 'maternity_nurse_cert'],
          guidePrice: { minFen: 600000, maxFen: 1200000, unit: 'per_month' },
        },
      },
      {
        code: 'FAM-CHILDCARE',
        name: { zh: '育儿嫂', en: 'Baby and toddler carer' },
        handling: 'dispatch',
        keywords: ['育儿嫂', '带孩子', '带娃', '看孩子', '育婴师', '婴儿保姆'],
        standard: {
          includes: {
            zh: '照看0至3岁婴幼儿的饮食、睡眠、卫生和早期启蒙游戏。',
            en: 'Day-to-day care of children aged 0–3: meals, sleep, hygiene and early-learning play.',
          },
          qualifications: [...household, 'childcare_cert'],
          guidePrice: { minFen: 400000, maxFen: 700000, unit: 'per_month' },
        },
      },
      {
        code: 'FAM-HOURLY',
        name: { zh: '钟点工', en: 'Hourly domestic help' },
        handling: 'dispatch',
        keywords: ['钟点工', '小时工', '钟点阿姨', '按小时做家务', '临时做饭'],
        standard: {
          includes: {
            zh: '按小时上门做饭、洗衣、整理收纳等家务，两小时起。',
            en: 'Housework by the hour: cooking, laundry, tidying and organising; two hours minimum.',
          },
          qualifications: [...household, 'domestic_service_cert'],
          guidePrice: { minFen: 3000, maxFen: 5000, unit: 'per_hour' },
        },
      },
      {
        code: 'FAM-CLEANING',
        name: { zh: '家庭保洁', en: 'Home cleaning' },
        handling: 'dispatch',
        keywords: ['保洁', '打扫', '打扫卫生', '搞卫生', '大扫除', '擦玻璃', '清洁'],
        standard: {
          includes: {
            zh: '居室日常清洁，厨房、卫生间深度清洁，擦玻璃和大扫除，保洁员自带工具。',
            en: 'Routine and deep cleaning of rooms, kitchen and bathroom, window washing and spring cleaning; cleaners bring their own tools.',
          },
          qualifications: [...household, 'domestic_service_cert'],
          guidePrice: { minFen: 3500, maxFen: 6000, unit: 'per_hour' },
        },
      },
      {
        code: 'FAM-NEW-HOME-CLEAN',
        name: { zh: '开荒保洁', en: 'Post-renovation cleaning' },
        handling: 'dispatch',
        keywords: ['开荒', '新房打扫', '装修后打扫', '装修后保洁', '拓荒保洁'],
        standard: {
          includes: {
            zh: '新房或装修后的首次全面清洁：清运建筑垃圾，去除胶渍和涂料点，擦洗门窗、地面。',
            en: 'First full clean of a new or renovated home: debris removal, glue and paint spots, doors, windows and floors.',
          },
          qualifications: household,
          guidePrice: { minFen: 400, maxFen: 800, unit: 'per_sqm' },
        },
      },
      {
        code: 'FAM-APPLIANCE-CLEANING',
        name: { zh: '家电清洗', en: 'Appliance cleaning' },
        handling: 'dispatch',
        keywords: ['清洗', '油烟机清洗', '抽油烟机', '空调清洗', '洗衣机清洗', '热水器清洗'],
        standard: {
          includes: {
            zh: '抽油烟机、空调、洗衣机、热水器、冰箱的拆洗和消毒。',
            en: 'Dismantling, cleaning and disinfecting range hoods, air conditioners, washing machines, water heaters and fridges.',
          },
          qualifications: household,
          guidePrice: { minFen: 8000, maxFen: 20000, unit: 'per_item' },
        },
      },
      {
        code: 'FAM-ESCORT',
        name: { zh: '医院陪护', en: 'Hospital escort and bedside care' },
        handling: 'dispatch',
        keywords: ['陪护', '陪床', '护工', '住院陪护', '陪诊', '陪看病'],
        standard: {
          includes: {
            zh: '陪同就医、挂号、取药；住院期间24小时陪床，照料病人饮食、翻身和清洁。',
            en: 'Accompanying patients to appointments; round-the-clock bedside care in hospital: meals, turning and hygiene.',
          },
          qualifications: household,
          guidePrice: { minFen: 15000, maxFen: 30000, unit: 'per_day' },
        },
      },
      {
        code: 'FAM-ELDER-COMPANION',
        name: { zh: '老人看护', en: 'Elderly companion at home' },
        handling: 'dispatch',
        keywords: ['看护老人', '照顾老人', '陪老人', '老人保姆', '伺候老人'],
        standard: {
          includes: {
            zh: '在家照顾能自理或半自理的老人：做饭、陪伴聊天、陪同散步和就医、提醒服药。',
            en: 'Looking after independent or partly dependent elders at home: cooking, company, walks, appointments and medication reminders.',
          },
          qualifications: [...household, 'domestic_service_cert'],
          guidePrice: { minFen: 400000, maxFen: 700000, unit: 'per_month' },
        },
      },
      {
        code: 'FAM-TUTOR',
        name: { zh: '家教', en: 'Home tutor' },
        handling: 'dispatch',
        keywords: ['家庭教师', '补课', '辅导作业', '一对一辅导', '陪读'],
        standard: {
          includes: {
            zh: '中小学各科上门或线上一对一辅导、作业辅导，可先试课。',
            en: 'One-to-one tutoring in primary and secondary school subjects, at home or online, and homework help; trial lesson available.',
          },
          qualifications: [...trained, 'teacher_cert'],
          guidePrice: { minFen: 5000, maxFen: 15000, unit: 'per_hour' },
        },
      },
      {
        code: 'FAM-DECORATION',
        name: { zh: '家庭装修', en: 'Home decoration and renovation' },
        handling: 'dispatch',
        keywords: ['装修', '装潢', '旧房翻新', '局部改造', '贴瓷砖', '吊顶'],
        standard: {
          includes: {
            zh: '旧房翻新和局部改造，含设计、报价、水电改造、贴砖、吊顶和墙面，可包工或包工包料。',
            en: 'Renovations and partial refits: design, quote, rewiring and plumbing, tiling, ceilings and walls; labour only or labour and materials.',
          },
          qualifications: trained,
          guidePrice: { minFen: 30000, maxFen: 80000, unit: 'per_sqm' },
        },
      },
      {
        code: 'FAM-MOVING',
        name: { zh: '搬家', en: 'Moving service' },
        handling: 'dispatch',
        keywords: ['搬家公司', '搬运', '拉货', '长途搬家', '搬钢琴'],
        standard: {
          includes: {
            zh: '居民和单位搬家：家具拆装、打包、上下楼搬运和车辆运输。',
            en: 'Home and office moves: furniture dismantling and assembly, packing, carrying and transport.',
          },
          qualifications: [...trained, 'driver_licence'],
          guidePrice: { minFen: 20000, maxFen: 80000, unit: 'per_trip' },
        },
      },
      {
        code: 'FAM-HOUSE-SWAP',
        name: { zh: '换房服务', en: 'House swap service' },
        handling: 'dispatch',
        keywords: ['换房', '换房子', '房屋置换', '以旧换新房', '调房'],
        standard: {
          includes: {
            zh: '登记换房意向，撮合住房互换或以旧换新，陪同看房并协助办理手续。',
            en: 'Recording swap wishes, matching households for a home exchange or trade-up, accompanying viewings and helping with paperwork.',
          },
          qualifications: [...trained, 'real_estate_agent_cert'],
          guidePrice: { minFen: 20000, maxFen: 100000, unit: 'per_item' },
        },
      },
      {
        code: 'FAM-LPG',
        name: { zh: '液化气配送', en: 'LPG cylinder delivery' },
        handling: 'dispatch',
        keywords: ['液化气', '液化气站', '煤气罐', '换煤气', '送气', '煤气'],
        standard: {
          includes: {
            zh: '液化气钢瓶送气上门，连接后检漏，回收空瓶；价格按15公斤瓶计。',
            en: 'Filled LPG cylinders delivered to the door, connected and leak-tested, empties taken back; priced per 15 kg cylinder.',
          },
          qualifications: [...trained, 'gas_licence'],
          guidePrice: { minFen: 11000, maxFen: 15000, unit: 'per_item' },
        },
      },
      {
        code: 'FAM-FLORAL',
        name: { zh: '鲜花礼仪', en: 'Flowers and ceremony etiquette' },
        handling: 'dispatch',
        keywords: ['鲜花', '送花', '花篮', '花束', '开业花篮', '礼仪服务', '婚车扎花'],
        standard: {
          includes: {
            zh: '鲜花、花篮预订配送，开业庆典和婚礼的鲜花布置与礼仪人员服务。',
            en: 'Bouquets and flower baskets delivered; flower decoration and etiquette staff for openings and weddings.',
          },
          qualifications: trained,
          guidePrice: { minFen: 5000, maxFen: 80000, unit: 'per_item' },
        },
      },
      {
        code: 'FAM-STAFFING',
        name: { zh: '各类雇员', en: 'Temporary and other staff' },
        handling: 'dispatch',
        keywords: ['雇员', '临时工', '小工', '杂工', '家庭厨师', '用工'],
        standard: {
          includes: {
            zh: '按需介绍临时工、家庭厨师、杂工、店面帮工等各类雇员，按天结算。',
            en: 'Temporary workers, household cooks, handymen and shop helpers supplied on demand, paid by the day.',
          },
          qualifications: household,
          guidePrice: { minFen: 15000, maxFen: 35000, unit: 'per_day' },
        },
      },
      {
        code: 'FAM-ERRANDS',
        name: { zh: '代购物品', en: 'Shopping and errands' },
        handling: 'dispatch',
        keywords: ['代购', '代买', '跑腿', '买菜', '代缴费'],
        standard: {
          includes: {
            zh: '代买蔬菜和日用品并送货上门，代为排队缴费等跑腿事务；货款按实结算。',
            en: 'Buying groceries and daily goods and delivering them, queuing and paying bills; goods paid at cost.',
          },
          qualifications: trained,
          guidePrice: { minFen: 1000, maxFen: 3000, unit: 'per_trip' },
        },
      },
      {
        code: 'FAM-SCHOOL-RUN',
        name: { zh: '学生接送', en: 'School run' },
        handling: 'dispatch',
        keywords: ['接送', '接送孩子', '接孩子', '送孩子上学', '接送学生', '午托'],
        standard: {
          includes: {
            zh: '按约定时间接送中小学生上下学，可加午托或放学后看护。',
            en: 'Taking pupils to and from school at agreed times, optionally with lunch-time or after-school care.',
          },
          qualifications: [...household, 'driver_licence'],
          guidePrice: { minFen: 30000, maxFen: 80000, unit: 'per_month' },
        },
      },
    ],
  },
  {
    code: 'MNT',
    name: { zh: '维修服务', en: 'Maintenance services' },
    items: [
      {
        code: 'MNT-HOUSE',
        name: { zh: '房屋维修', en: 'House repairs' },
        handling: 'dispatch',
        keywords: ['修房子', '防水补漏', '屋顶漏雨', '墙面修补', '刷墙', '门窗维修'],
        standard: {
          includes: {
            zh: '屋面和卫生间防水补漏，墙面修补粉刷，门窗维修更换，瓷砖地板修补。',
            en: 'Roof and bathroom waterproofing, wall patching and painting, door and window repair, tile and floor fixes.',
          },
          qualifications: trained,
          guidePrice: { minFen: 10000, maxFen: 50000, unit: 'per_visit' },
        },
      },
      {
        code: 'MNT-APPLIANCE',
        name: { zh: '家电维修', en: 'Household appliance repair' },
        handling: 'dispatch',
        keywords: ['修电视', '修冰箱', '修洗衣机', '热水器维修', '微波炉维修', '电器维修'],
        standard: {
          includes: {
            zh: '电视、冰箱、洗衣机、热水器、微波炉等家电上门检测维修，配件另计。',
            en: 'On-site diagnosis and repair of TVs, fridges, washing machines, water heaters, microwaves and the like; parts extra.',
          },
          qualifications: [...trained, 'appliance_repair_cert'],
          guidePrice: { minFen: 5000, maxFen: 30000, unit: 'per_visit' },
        },
      },
      {
        code: 'MNT-AIRCON',
        name: { zh: '空调安装维修', en: 'Air-conditioner installation and repair' },
        handling: 'dispatch',
        keywords: ['空调', '空调维修', '空调安装', '空调移机', '加氟', '空调不制冷'],
        standard: {
          includes: {
            zh: '空调安装、移机、加氟和故障维修，外机高处作业须系安全带。',
            en: 'Installing, relocating, re-gassing and repairing air conditioners; harnesses are mandatory for outdoor units.',
          },
          qualifications: [...trained, 'appliance_repair_cert'],
          guidePrice: { minFen: 10000, maxFen: 40000, unit: 'per_item' },
        },
      },
      {
        code: 'MNT-VEHICLE',
        name: { zh: '车辆维修', en: 'Vehicle repair' },
        handling: 'dispatch',
        keywords: ['修车', '汽车维修', '电动车维修', '摩托车维修', '补胎', '搭电', '道路救援'],
        standard: {
          includes: {
            zh: '汽车、摩托车、电动车故障维修，补胎、搭电和道路救援，配件另计。',
            en: 'Repair of cars, motorcycles and e-bikes, tyre repair, jump starts and roadside assistance; parts extra.',
          },
          qualifications: [...trained, 'vehicle_repair_cert'],
          guidePrice: { minFen: 2000, maxFen: 80000, unit: 'per_item' },
        },
      },
      {
        code: 'MNT-TELECOM',
        name: { zh: '通讯维修', en: 'Phone and communication repair' },
        handling: 'dispatch',
        keywords: ['修手机', '手机维修', '电话维修', '固定电话', '宽带故障', '网络故障', '路由器'],
        standard: {
          includes: {
            zh: '手机、固定电话、宽带和家庭网络设备的故障检修。',
            en: 'Fault repair of mobile phones, landlines, broadband and home network equipment.',
          },
          qualifications: trained,
          guidePrice: { minFen: 3000, maxFen: 30000, unit: 'per_item' },
        },
      },
      {
        code: 'MNT-COMPUTER',
        name: { zh: '电脑维修', en: 'Computer repair' },
        handling: 'dispatch',
        keywords: ['修电脑', '重装系统', '装系统', '电脑中毒', '打印机维修'],
        standard: {
          includes: {
            zh: '台式机、笔记本和打印机上门或送修：重装系统、清除病毒、更换硬件。',
            en: 'Desktop, laptop and printer repair on site or in the shop: OS reinstall, virus removal, hardware replacement.',
          },
          qualifications: trained,
          guidePrice: { minFen: 5000, maxFen: 30000, unit: 'per_item' },
        },
      },
      {
        code: 'MNT-ELECTRICAL',
        name: { zh: '电路维修', en: 'Electrical repair' },
        handling: 'dispatch',
        keywords: ['电工', '修电路', '跳闸', '停电', '换插座', '装灯', '线路改造'],
        standard: {
          includes: {
            zh: '家庭电路故障排查、跳闸断电处理，插座、开关和灯具安装更换，线路改造。',
            en: 'Finding household wiring faults, tripped breakers and outages; fitting sockets, switches and lights; rewiring.',
          },
          qualifications: [...trained, 'electrician_licence'],
          guidePrice: { minFen: 5000, maxFen: 20000, unit: 'per_visit' },
        },
      },
      {
        code: 'MNT-WATER',
        name: { zh: '水管维修', en: 'Plumbing repair' },
        handling: 'dispatch',
        keywords: ['修水管', '水管漏水', '漏水', '爆管', '水龙头', '换水龙头', '马桶漏水', '停水'],
        standard: {
          includes: {
            zh: '自来水管道漏水、爆管维修，水龙头、阀门和马桶水箱配件更换。',
            en: 'Leaking and burst water pipes; replacing taps, valves and cistern parts.',
          },
          qualifications: [...trained, 'plumber_cert'],
          guidePrice: { minFen: 5000, maxFen: 20000, unit: 'per_visit' },
        },
      },
      {
        code: 'MNT-GAS',
        name: { zh: '燃气设备维修', en: 'Gas appliance repair' },
        handling: 'dispatch',
        keywords: ['燃气灶', '煤气灶', '燃气热水器', '壁挂炉', '燃气泄漏', '漏气', '燃气管道'],
        standard: {
          includes: {
            zh: '燃气灶、燃气热水器、壁挂炉和户内燃气管道的维修与检漏；疑似漏气时先关阀开窗、勿动电器。',
            en: 'Repair and leak testing of gas hobs, gas water heaters, boilers and indoor gas pipes; on a suspected leak, close the valve, ventilate and touch no switches.',
          },
          qualifications: [...trained, 'gas_licence'],
          guidePrice: { minFen: 6000, maxFen: 30000, unit: 'per_visit' },
        },
      },
      {
        code: 'MNT-DAILY-GOODS',
        name: { zh: '日用品维修', en: 'Repair of everyday items' },
        handling: 'dispatch',
        keywords: ['修鞋', '修伞', '换拉链', '修表', '钟表维修', '修自行车', '磨剪子'],
        standard: {
          includes: {
            zh: '修鞋、修伞、换拉链、钟表维修、自行车修理、磨刀剪等小修小补。',
            en: 'Small repairs: shoes, umbrellas, zips, watches and clocks, bicycles, knife and scissor sharpening.',
          },
          qualifications: trained,
          guidePrice: { minFen: 500, maxFen: 10000, unit: 'per_item' },
        },
      },
      {
        code: 'MNT-LOCKSMITH',
        name: { zh: '开锁换锁', en: 'Locksmith' },
        handling: 'dispatch',
        keywords: ['开锁', '换锁', '换锁芯', '锁芯', '钥匙丢了', '配钥匙', '防盗门锁'],
        standard: {
          includes: {
            zh: '核实身份和住址后开门锁、车锁、保险柜，更换锁芯，配钥匙。',
            en: 'Opening door, car and safe locks once identity and address are checked; replacing lock cylinders; cutting keys.',
          },
          qualifications: trained,
          guidePrice: { minFen: 8000, maxFen: 30000, unit: 'per_visit' },
        },
      },
      {
        code: 'MNT-DRAIN',
        name: { zh: '管道疏通', en: 'Drain clearing' },
        handling: 'dispatch',
        keywords: ['疏通', '通下水道', '下水道堵', '马桶堵了', '通马桶', '地漏堵塞', '化粪池清掏'],
        standard: {
          includes: {
            zh: '下水道、马桶、地漏、洗菜池堵塞疏通，化粪池清掏。',
            en: 'Unblocking drains, toilets, floor drains and sinks; septic tank emptying.',
          },
          qualifications: [...trained, 'plumber_cert'],
          guidePrice: { minFen: 8000, maxFen: 30000, unit: 'per_visit' },
        },
      },
    ],
  },
  {
    code: 'ELD',
    name: { zh: '养老服务', en: 'Old-age care services' },
    items: [
      {
        code: 'ELD-VISIT',
        name: { zh: '尊老敬老探访', en: 'Respect-the-elderly visits' },
        handling: 'dispatch',
        freeCommunityService: true,
        keywords: ['尊老敬老', '敬老', '看望老人', '探访老人', '空巢老人', '孤寡老人'],
        standard: {
          includes: {
            zh: '为空巢、独居、孤寡老人定期上门探访、聊天、量血压，节日慰问，免费。',
            en: 'Free regular visits to elders living alone: conversation, blood-pressure checks and holiday greetings.',
          },
          qualifications: trained,
          guidePrice: { minFen: 0, maxFen: 0, unit: 'per_visit' },
        },
      },
      {
        code: 'ELD-ESCORT',
        name: { zh: '爱心助老陪诊', en: 'Free escort of elders to hospital' },
        handling: 'dispatch',
        freeCommunityService: true,
        keywords: ['免费陪诊', '助老陪诊', '陪同就医', '陪老人看病', '陪老人去医院'],
        standard: {
          includes: {
            zh: '志愿者陪同独居、行动不便的老人去医院就诊：挂号、候诊、取药、送回家，免费；不代做医疗决定。',
            en: 'Free escort of elders living alone or with limited mobility to hospital appointments: registration, waiting, collecting medicine and the way home; no medical decisions taken for them.',
          },
          qualifications: trained,
          guidePrice: { minFen: 0, maxFen: 0, unit: 'per_visit' },
        },
      },
      {
        code: 'ELD-HOME-CARE',
        name: { zh: '居家养老护理', en: 'Home elderly care' },
        handling: 'dispatch',
        keywords: ['居家养老', '上门养老', '养老护理', '失能老人', '卧床老人', '助浴'],
        standard: {
          includes: {
            zh: '养老护理员上门为失能、半失能老人助浴、助洁、翻身擦洗和如厕照料。',
            en: 'Certified carers visit dependent elders at home: bathing, hygiene, turning and toileting.',
          },
          qualifications: [...household, 'elder_care_cert'],
          guidePrice: { minFen: 3000, maxFen: 6000, unit: 'per_hour' },
        },
      },
      {
        code: 'ELD-INSTITUTION',
        name: { zh: '机构养老', en: 'Nursing-home placement' },
        handling: 'dispatch',
        keywords: ['养老院', '敬老院', '老年公寓', '护理院', '住养老院'],
        standard: {
          includes: {
            zh: '介绍合作养老院、敬老院床位，陪同参观并办理入住，按护理等级收费。',
            en: 'Places in partner nursing homes: visits and admission, fees by care level.',
          },
          qualifications: [...household, 'elder_care_cert'],
          guidePrice: { minFen: 150000, maxFen: 500000, unit: 'per_month' },
        },
      },
      {
        code: 'ELD-DAY-CARE',
        name: { zh: '日间照料', en: 'Elderly day care' },
        handling: 'dispatch',
        keywords: ['托老', '日托', '白天托管老人', '老年日间照料'],
        standard: {
          includes: {
            zh: '老人白天在照料中心用餐、午休、参加文娱活动和健康监测，早送晚接。',
            en: 'Elders spend the day at a care centre: meals, nap, activities and health checks; dropped off in the morning, collected in the evening.',
          },
          qualifications: [...household, 'elder_care_cert'],
          guidePrice: { minFen: 5000, maxFen: 15000, unit: 'per_day' },
        },
      },
      {
        code: 'ELD-MEDICAL-CARE',
        name: { zh: '医疗护理', en: 'Home medical nursing' },
        handling: 'dispatch',
        keywords: ['上门护理', '护士上门', '打针', '输液', '换药', '导尿', '压疮护理'],
        standard: {
          includes: {
            zh: '执业护士遵医嘱上门打针、换药、更换胃管或导尿管、压疮护理。',
            en: 'Licensed nurses at home, as prescribed: injections, dressings, feeding-tube and catheter changes, pressure-sore care.',
          },
          qualifications: [...trained, 'nursing_licence'],
          guidePrice: { minFen: 5000, maxFen: 20000, unit: 'per_visit' },
        },
      },
      {
        code: 'ELD-REHAB',
        name: { zh: '康复护理', en: 'Rehabilitation care' },
        handling: 'dispatch',
        keywords: ['康复', '康复训练', '中风康复', '偏瘫', '理疗', '推拿'],
        standard: {
          includes: {
            zh: '中风、骨折术后等老人的上门康复训练、理疗和功能锻炼指导。',
            en: 'Home rehabilitation after a stroke or fracture: exercises, physiotherapy and coaching.',
          },
          qualifications: [...trained, 'nursing_licence'],
          guidePrice: { minFen: 10000, maxFen: 30000, unit: 'per_visit' },
        },
      },
      {
        code: 'ELD-MEALS',
        name: { zh: '老年助餐', en: 'Meals for elders' },
        handling: 'dispatch',
        keywords: ['助餐', '老年餐', '送餐', '长者食堂', '老人吃饭'],
        standard: {
          includes: {
            zh: '为老人提供营养午餐、晚餐，可到长者食堂就餐或送餐上门；价格按每餐计。',
            en: 'Nutritious lunches and dinners for elders at a community canteen or delivered home; priced per meal.',
          },
          qualifications: household,
          guidePrice: { minFen: 800, maxFen: 2000, unit: 'per_item' },
        },
      },
    ],
  },
  {
    code: 'MED',
    name: { zh: '医疗服务', en: 'Medical services' },
    items: [
      {
        code: 'MED-ONLINE-CONSULT',
        name: { zh: '网上医疗咨询', en: 'Online medical consultation' },
        handling: 'dispatch',
        keywords: ['网上问诊', '在线问诊', '网上看病', '问医生', '咨询医生'],
        standard: {
          includes: {
            zh: '合作医院执业医师通过电话或网络解答病情和用药问题，必要时建议到院就诊。',
            en: 'Licensed doctors from partner hospitals answer questions about symptoms and medicines by phone or online, and say when to go to hospital.',
          },
          qualifications: [...trained, 'medical_licence'],
          guidePrice: { minFen: 1000, maxFen: 5000, unit: 'per_item' },
        },
      },
      {
        code: 'MED-EXPERT-CONSULT',
        name: { zh: '专家会诊', en: 'Expert consultation' },
        handling: 'dispatch',
        keywords: ['会诊', '请专家', '远程会诊', '疑难病'],
        standard: {
          includes: {
            zh: '为疑难病症联系上级医院专家现场或远程会诊，协助整理病历资料。',
            en: 'Arranging on-site or remote specialist consultations for difficult cases, with the medical records put in order.',
          },
          qualifications: [...trained, 'medical_licence'],
          guidePrice: { minFen: 30000, maxFen: 200000, unit: 'per_visit' },
        },
      },
      {
        code: 'MED-CONSULT',
        name: { zh: '医疗咨询', en: 'Medical enquiries' },
        handling: 'information',
        keywords: ['就医指南', '看病咨询', '哪个医院', '挂什么科', '医保报销', '医院电话'],
        standard: {
          includes: {
            zh: '话务员解答就医问题：医院和科室选择、门诊时间、医保报销规定、医院联系方式。',
            en: 'The call-taker answers practical questions: which hospital or department, clinic hours, medical-insurance rules, contact numbers.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'MED-ONLINE-HOSPITAL',
        name: { zh: '网上医院', en: 'Online hospital' },
        handling: 'dispatch',
        keywords: ['互联网医院', '预约挂号', '挂号', '线上复诊', '复诊开药'],
        standard: {
          includes: {
            zh: '协助在合作互联网医院预约挂号、线上复诊和续方开药。',
            en: 'Help booking appointments, online follow-up visits and repeat prescriptions at partner internet hospitals.',
          },
          qualifications: [...trained, 'medical_licence'],
          guidePrice: { minFen: 1000, maxFen: 5000, unit: 'per_item' },
        },
      },
      {
        code: 'MED-EXPERT-ONLINE',
        name: { zh: '专家在线', en: 'Specialist online' },
        handling: 'dispatch',
        keywords: ['名医', '专家咨询', '视频问诊', '专家号', '看报告'],
        standard: {
          includes: {
            zh: '预约副主任医师及以上专家视频或电话问诊，解读检查报告。',
            en: 'Video or phone sessions with senior specialists, including explaining test reports.',
          },
          qualifications: [...trained, 'medical_licence'],
          guidePrice: { minFen: 5000, maxFen: 30000, unit: 'per_item' },
        },
      },
      {
        code: 'MED-PHARMACY',
        name: { zh: '网上药店', en: 'Online pharmacy' },
        handling: 'dispatch',
        keywords: ['买药', '送药', '送药上门', '药店', '代购药品'],
        standard: {
          includes: {
            zh: '合作药店接单配药并送药上门，处方药凭处方购买，药费另计；价格为配送费。',
            en: 'Partner pharmacies fill and deliver orders; prescription drugs need a prescription; the price is the delivery fee, medicine extra.',
          },
          qualifications: trained,
          guidePrice: { minFen: 0, maxFen: 1500, unit: 'per_trip' },
        },
      },
      {
        code: 'MED-KNOWLEDGE',
        name: { zh: '医疗知识', en: 'Medical knowledge' },
        handling: 'information',
        keywords: ['健康知识', '急救知识', '常见病', '用药常识', '疫苗接种'],
        standard: {
          includes: {
            zh: '话务员依据中心知识库解答常见病预防、急救常识、用药常识和疫苗接种；急症请拨打120。',
            en: 'The call-taker answers from the knowledge base: preventing common illnesses, first aid, medicines and vaccinations; emergencies go to 120.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
    ],
  },
  {
    code: 'PRP',
    name: { zh: '物业管理', en: 'Property management' },
    items: [
      {
        code: 'PRP-METER-READING',
        name: { zh: '自动抄表', en: 'Automatic meter reading' },
        handling: 'dispatch',
        keywords: ['抄表', '远程抄表', '水表', '电表', '燃气表', '查用量'],
        standard: {
          includes: {
            zh: '水、电、燃气表远程自动抄表，异常用量提醒，读数核对；价格按每户每月计。',
            en: 'Remote reading of water, electricity and gas meters, alerts on unusual use, reading checks; priced per household per month.',
          },
          qualifications: [...trained, 'property_manager_cert'],
          guidePrice: { minFen: 100, maxFen: 500, unit: 'per_month' },
        },
      },
      {
        code: 'PRP-PATROL',
        name: { zh: '电子巡更', en: 'Electronic patrol' },
        handling: 'dispatch',
        keywords: ['巡更', '巡逻', '保安', '小区安保', '夜间巡逻'],
        standard: {
          includes: {
            zh: '保安按电子巡更点定时巡逻小区，记录异常并及时上报处置；价格按每个岗位每月计。',
            en: 'Guards patrol the estate checkpoint by checkpoint on an electronic system, logging and reporting incidents; priced per guard post per month.',
          },
          qualifications: [...trained, 'property_manager_cert'],
          guidePrice: { minFen: 300000, maxFen: 600000, unit: 'per_month' },
        },
      },
      {
        code: 'PRP-GARAGE',
        name: { zh: '车库管理', en: 'Garage and parking management' },
        handling: 'dispatch',
        keywords: ['车库', '停车', '车位', '停车位', '车位租赁', '停车费'],
        standard: {
          includes: {
            zh: '小区车库和停车位的出租登记、进出管理和停车收费；价格按每个车位每月计。',
            en: 'Letting estate garages and parking spaces, access control and parking charges; priced per space per month.',
          },
          qualifications: [...trained, 'property_manager_cert'],
          guidePrice: { minFen: 5000, maxFen: 30000, unit: 'per_month' },
        },
      },
      {
        code: 'PRP-FEE-COLLECTION',
        name: { zh: '物业费代收', en: 'Management fee collection' },
        handling: 'dispatch',
        keywords: ['物业费', '交物业费', '管理费', '代收费', '水电费代缴'],
        standard: {
          includes: {
            zh: '代收物业管理费及水电费，出具票据，催缴提醒；价格为每平方米每月的物业费。',
            en: 'Collecting management fees and utility bills, issuing receipts and reminders; the price is the monthly fee per square metre.',
          },
          qualifications: [...trained, 'property_manager_cert'],
          guidePrice: { minFen: 50, maxFen: 250, unit: 'per_sqm' },
        },
      },
      {
        code: 'PRP-WATER',
        name: { zh: '小区供排水', en: 'Estate water supply and drainage' },
        handling: 'dispatch',
        keywords: ['二次供水', '水箱清洗', '小区停水', '小区排水', '雨水管'],
        standard: {
          includes: {
            zh: '小区二次供水设备维护，水箱清洗消毒，公共排水管网疏通维修。',
            en: 'Maintaining estate booster pumps, cleaning and disinfecting water tanks, clearing and repairing shared drains.',
          },
          qualifications: [...trained, 'plumber_cert'],
          guidePrice: { minFen: 20000, maxFen: 100000, unit: 'per_visit' },
        },
      },
      {
        code: 'PRP-LIGHTING',
        name: { zh: '区域照明', en: 'Estate lighting' },
        handling: 'dispatch',
        keywords: ['路灯', '楼道灯', '小区路灯', '路灯不亮', '声控灯', '照明'],
        standard: {
          includes: {
            zh: '小区路灯、楼道声控灯和景观灯的巡检、维修与更换。',
            en: 'Inspecting, repairing and replacing estate street lights, stairwell lights and landscape lighting.',
          },
          qualifications: [...trained, 'electrician_licence'],
          guidePrice: { minFen: 5000, maxFen: 20000, unit: 'per_visit' },
        },
      },
      {
        code: 'PRP-POWER',
        name: { zh: '配套用电', en: 'Estate power supply' },
        handling: 'dispatch',
        keywords: ['配电', '配电房', '小区停电', '公共用电', '充电桩'],
        standard: {
          includes: {
            zh: '小区配电房和公共用电设施巡检维护，协调停电抢修，安装充电桩。',
            en: 'Maintaining estate substations and shared electrical installations, coordinating outage repairs, installing EV chargers.',
          },
          qualifications: [...trained, 'electrician_licence'],
          guidePrice: { minFen: 10000, maxFen: 50000, unit: 'per_visit' },
        },
      },
    ],
  },
  {
    code: 'SHP',
    name: { zh: '社区导购', en: 'Community shopping guide' },
    items: [
      {
        code: 'SHP-HOT-GOODS',
        name: { zh: '热销商品', en: 'Best-selling goods' },
        handling: 'information',
        keywords: ['热销', '热卖', '畅销', '特价商品', '促销'],
        standard: {
          includes: {
            zh: '介绍本地商场超市的热销商品和促销活动。',
            en: 'Best-selling products and current promotions in local shops and supermarkets.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'SHP-SECOND-HAND',
        name: { zh: '二手市场', en: 'Second-hand market' },
        handling: 'information',
        keywords: ['二手', '旧货', '旧货市场', '二手家具', '闲置'],
        standard: {
          includes: {
            zh: '登记和查询二手物品买卖信息，介绍旧货市场。',
            en: 'Recording and finding second-hand goods for sale, and where the flea markets are.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'SHP-MALLS',
        name: { zh: '商场名录', en: 'Shops and malls directory' },
        handling: 'information',
        keywords: ['商场', '超市', '营业时间', '在哪买', '专卖店'],
        standard: {
          includes: {
            zh: '本地商场、超市和专卖店的地址、电话与营业时间。',
            en: 'Addresses, phone numbers and opening hours of local malls, supermarkets and specialist shops.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'SHP-DELIVERY',
        name: { zh: '优惠快递', en: 'Discount courier' },
        handling: 'dispatch',
        keywords: ['快递', '寄快递', '寄件', '上门取件', '送货', '同城配送'],
        standard: {
          includes: {
            zh: '上门取件寄递和同城送货，享受中心协议优惠价。',
            en: 'Parcel pick-up and dispatch and same-town delivery at the centre’s discounted rates.',
          },
          qualifications: trained,
          guidePrice: { minFen: 500, maxFen: 2000, unit: 'per_trip' },
        },
      },
      {
        code: 'SHP-PRICES',
        name: { zh: '市场行情', en: 'Market prices' },
        handling: 'information',
        keywords: ['菜价', '行情', '物价', '猪肉价格', '粮油价格'],
        standard: {
          includes: {
            zh: '当日蔬菜、肉禽蛋、粮油等主要商品的价格行情。',
            en: 'Today’s prices of vegetables, meat, eggs, grain, cooking oil and other staples.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'SHP-ONLINE-TRADE',
        name: { zh: '网上交易', en: 'Online trading' },
        handling: 'information',
        keywords: ['网购', '网上购物', '网店', '退货', '网上支付'],
        standard: {
          includes: {
            zh: '指导网上购物、支付、退换货，提醒防范网络诈骗。',
            en: 'Guidance on online shopping, payment and returns, and on avoiding online scams.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'SHP-RECYCLING',
        name: { zh: '上门回收', en: 'Recycling pick-up' },
        handling: 'dispatch',
        keywords: ['回收', '废品回收', '收废品', '卖废品', '旧家电回收', '旧衣回收'],
        standard: {
          includes: {
            zh: '上门回收废品、旧家电、旧家具和旧衣物，按市价付款给居民，上门免费。',
            en: 'Collecting scrap, old appliances, furniture and clothes from home; residents are paid market rates and the visit is free.',
          },
          qualifications: trained,
          guidePrice: { minFen: 0, maxFen: 0, unit: 'per_visit' },
        },
      },
    ],
  },
  {
    code: 'HSE',
    name: { zh: '房屋租售', en: 'Housing rental and sale' },
    items: [
      {
        code: 'HSE-BUY',
        name: { zh: '购房档案', en: 'Home-buyer files' },
        handling: 'information',
        keywords: ['买房', '购房', '求购', '想买房', '二手房'],
        standard: {
          includes: {
            zh: '登记购房需求（区域、面积、价位），建立购房档案并推荐匹配房源。',
            en: 'Recording a buyer’s needs (area, size, budget) in a buyer file and suggesting matching homes.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'HSE-SELL',
        name: { zh: '售房档案', en: 'Home-seller files' },
        handling: 'information',
        keywords: ['卖房', '售房', '出售房子', '房子挂牌'],
        standard: {
          includes: {
            zh: '登记出售房源，建立售房档案并向登记的购房人推荐。',
            en: 'Recording homes for sale in a seller file and offering them to registered buyers.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'HSE-RENT',
        name: { zh: '租房查询', en: 'Rental enquiries' },
        handling: 'information',
        keywords: ['租房', '出租', '房屋出租', '找房子', '求租', '合租'],
        standard: {
          includes: {
            zh: '查询和登记出租、求租房源，介绍租金行情和租房合同注意事项。',
            en: 'Finding and registering rentals, typical rents and what to check in a lease.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'HSE-LISTINGS',
        name: { zh: '交易专栏', en: 'Property transactions column' },
        handling: 'information',
        keywords: ['房产交易', '房价', '成交', '房源信息', '楼盘'],
        standard: {
          includes: {
            zh: '发布近期房屋成交信息、楼盘动态和房价走势。',
            en: 'Recent sales, new developments and price trends.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'HSE-AGENT',
        name: { zh: '房产交易代办', en: 'Property transaction agent' },
        handling: 'dispatch',
        keywords: ['房产中介', '中介', '过户', '代办过户', '不动产登记', '房产证'],
        standard: {
          includes: {
            zh: '持证经纪人陪同看房、签约，代办贷款、过户和不动产登记手续。',
            en: 'Licensed agents accompany viewings and signing, and handle the mortgage, transfer and property registration.',
          },
          qualifications: [...trained, 'real_estate_agent_cert'],
          guidePrice: { minFen: 100000, maxFen: 500000, unit: 'per_item' },
        },
      },
    ],
  },
  {
    code: 'JOB',
    name: { zh: '人才招聘', en: 'Talent recruitment' },
    items: [
      {
        code: 'JOB-VACANCIES',
        name: { zh: '招聘信息', en: 'Job vacancies' },
        handling: 'information',
        keywords: ['招聘', '招工', '招人', '岗位'],
        standard: {
          includes: {
            zh: '发布和查询本地单位的招聘岗位、待遇和联系方式。',
            en: 'Publishing and finding local vacancies, pay and contacts.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'JOB-SEEKERS',
        name: { zh: '求职信息', en: 'Job seekers' },
        handling: 'information',
        keywords: ['求职', '找工作', '找活干', '打工', '应聘'],
        standard: {
          includes: {
            zh: '登记求职意向和技能，向用人单位推荐。',
            en: 'Recording job seekers’ wishes and skills and recommending them to employers.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'JOB-TRAINING',
        name: { zh: '职业培训介绍', en: 'Vocational training' },
        handling: 'information',
        keywords: ['职业培训', '技能培训', '学技术', '培训班', '考证', '家政培训'],
        standard: {
          includes: {
            zh: '介绍职业技能培训班、考证渠道和培训补贴政策，包括本中心的家政岗前培训。',
            en: 'Vocational courses, certification routes and training subsidies, including the centre’s own pre-post domestic training.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'JOB-RIGHTS',
        name: { zh: '劳动保障咨询', en: 'Labour rights enquiries' },
        handling: 'information',
        keywords: ['劳动合同', '拖欠工资', '工伤', '社保', '最低工资'],
        standard: {
          includes: {
            zh: '解答劳动合同、工资、社保和工伤的基本规定，介绍劳动监察投诉渠道。',
            en: 'Basic rules on contracts, wages, social insurance and work injuries, and how to complain to labour inspection.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
    ],
  },
  {
    code: 'LAW',
    name: { zh: '法律服务', en: 'Legal services' },
    items: [
      {
        code: 'LAW-FIRMS',
        name: { zh: '律师事务所介绍', en: 'Law firm directory' },
        handling: 'information',
        keywords: ['律师事务所', '律所', '找律师', '请律师', '律师电话'],
        standard: {
          includes: {
            zh: '介绍本地律师事务所的业务专长、地址和联系方式。',
            en: 'Local law firms, their specialities, addresses and contacts.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'LAW-CONSULT',
        name: { zh: '专业法律咨询', en: 'Professional legal consultation' },
        handling: 'dispatch',
        keywords: ['法律咨询', '律师咨询', '打官司', '离婚', '纠纷', '合同纠纷', '起诉'],
        standard: {
          includes: {
            zh: '执业律师就婚姻家庭、劳动、合同、房产等纠纷面谈或电话咨询，分析案情并给出处理建议。',
            en: 'A practising lawyer advises in person or by phone on family, labour, contract and property disputes.',
          },
          qualifications: [...trained, 'lawyer_licence'],
          guidePrice: { minFen: 20000, maxFen: 80000, unit: 'per_hour' },
        },
      },
      {
        code: 'LAW-DOCUMENTS',
        name: { zh: '法律文书代写', en: 'Legal document drafting' },
        handling: 'dispatch',
        keywords: ['代写', '起诉状', '合同起草', '遗嘱', '律师函', '法律文书'],
        standard: {
          includes: {
            zh: '律师代写起诉状、答辩状、合同、遗嘱和律师函。',
            en: 'A lawyer drafts statements of claim, defences, contracts, wills and lawyer’s letters.',
          },
          qualifications: [...trained, 'lawyer_licence'],
          guidePrice: { minFen: 20000, maxFen: 100000, unit: 'per_item' },
        },
      },
      {
        code: 'LAW-KNOWLEDGE',
        name: { zh: '法律知识', en: 'Legal knowledge' },
        handling: 'information',
        keywords: ['法律常识', '普法', '法律规定', '怎么维权'],
        standard: {
          includes: {
            zh: '话务员依据中心知识库解答常见法律常识和维权途径。',
            en: 'The call-taker explains everyday law and ways to seek redress from the knowledge base.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'LAW-AID',
        name: { zh: '法律援助指引', en: 'Legal aid guidance' },
        handling: 'information',
        keywords: ['法律援助', '法援', '免费律师'],
        standard: {
          includes: {
            zh: '介绍法律援助的申请条件、所需材料和当地法律援助中心地址。',
            en: 'Who qualifies for legal aid, which documents to bring and where the local legal aid centre is.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
    ],
  },
  {
    code: 'INF',
    name: { zh: '生活资讯', en: 'Life information' },
    items: [
      {
        code: 'INF-BUSINESS-LICENCE',
        name: { zh: '营业执照', en: 'Business licences' },
        handling: 'information',
        keywords: ['办执照', '个体户', '注册公司', '工商登记'],
        standard: {
          includes: {
            zh: '个体户和公司办理营业执照的条件、材料、流程和办理地点。',
            en: 'Requirements, documents, steps and offices for registering a sole trader or company.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-TAX',
        name: { zh: '税务管理', en: 'Tax matters' },
        handling: 'information',
        keywords: ['税务', '报税', '个税', '纳税', '发票'],
        standard: {
          includes: {
            zh: '个人所得税、个体户纳税、发票和申报期限的常见问题。',
            en: 'Common questions on personal income tax, sole-trader tax, invoices and filing deadlines.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-DRIVING',
        name: { zh: '驾驶证与车辆', en: 'Driving licences and vehicles' },
        handling: 'information',
        keywords: ['驾驶证', '驾照', '考驾照', '年检', '违章', '行驶证'],
        standard: {
          includes: {
            zh: '考驾照、换证、车辆年检和违章处理的流程与地点。',
            en: 'Driving tests, licence renewal, vehicle inspection and traffic fines: steps and offices.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-TRAFFIC',
        name: { zh: '交通信息', en: 'Traffic information' },
        handling: 'information',
        keywords: ['路况', '公交', '班车', '汽车站', '封路'],
        standard: {
          includes: {
            zh: '路况和封路信息，公交、班车线路和时刻。',
            en: 'Road conditions and closures, bus and coach routes and timetables.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-EDUCATION',
        name: { zh: '教育咨询', en: 'Education enquiries' },
        handling: 'information',
        keywords: ['上学', '入学', '招生', '升学', '学校'],
        standard: {
          includes: {
            zh: '入学政策、招生报名、升学考试和学校信息。',
            en: 'School admission rules, enrolment, entrance exams and school information.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-HEALTH',
        name: { zh: '健康养生', en: 'Health and wellness' },
        handling: 'information',
        keywords: ['养生', '保健', '食疗', '健身', '减肥'],
        standard: {
          includes: {
            zh: '饮食养生、保健和健身的常识。',
            en: 'Everyday advice on healthy eating, wellbeing and exercise.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-FASHION',
        name: { zh: '时尚潮流', en: 'Fashion trends' },
        handling: 'information',
        keywords: ['时尚', '潮流', '服装搭配', '流行', '美容'],
        standard: {
          includes: {
            zh: '服装搭配、美容和流行趋势资讯。',
            en: 'Clothing, beauty and current trends.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-DECOR',
        name: { zh: '装饰天地', en: 'Home decor world' },
        handling: 'information',
        keywords: ['家居装饰', '装修风格', '建材价格', '软装'],
        standard: {
          includes: {
            zh: '装修风格、家居布置和建材价格资讯。',
            en: 'Decorating styles, furnishing ideas and building-material prices.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-ETIQUETTE',
        name: { zh: '社交礼仪', en: 'Social etiquette' },
        handling: 'information',
        keywords: ['礼仪', '礼节', '送礼', '随份子', '待客'],
        standard: {
          includes: {
            zh: '待客、送礼、婚丧嫁娶和商务场合的礼仪常识。',
            en: 'Etiquette for hosting, gifts, weddings, funerals and business occasions.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-STOCKS',
        name: { zh: '即时股评', en: 'Stock market commentary' },
        handling: 'information',
        keywords: ['股票', '股市', '股评', '大盘', '炒股', '基金'],
        standard: {
          includes: {
            zh: '当日大盘走势和公开股评摘要，不构成投资建议。',
            en: 'Today’s market movements and a digest of published commentary; not investment advice.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-EXCHANGE-RATE',
        name: { zh: '外汇牌价', en: 'Exchange rates' },
        handling: 'information',
        keywords: ['汇率', '外汇', '美元', '换汇', '人民币汇率'],
        standard: {
          includes: {
            zh: '当日银行外汇牌价和换汇办理须知。',
            en: 'Today’s bank exchange rates and how to change money.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-TV',
        name: { zh: '影视节目', en: 'Film and TV listings' },
        handling: 'information',
        keywords: ['电视节目', '电影', '电视剧', '节目预告', '放映'],
        standard: {
          includes: {
            zh: '电视节目预告和本地影院放映安排。',
            en: 'TV schedules and what is showing at local cinemas.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-TICKETS',
        name: { zh: '票务信息', en: 'Ticket information' },
        handling: 'information',
        keywords: ['订票', '火车票', '机票', '汽车票', '门票', '演出票'],
        standard: {
          includes: {
            zh: '火车票、机票、汽车票和演出门票的购票渠道、余票和时刻。',
            en: 'Where to buy train, air, coach and show tickets, availability and timetables.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-WEATHER',
        name: { zh: '天气预报', en: 'Weather forecast' },
        handling: 'information',
        keywords: ['天气', '下雨', '气温', '台风', '明天天气'],
        standard: {
          includes: {
            zh: '本地及外地天气预报和灾害性天气预警。',
            en: 'Local and other forecasts and severe-weather warnings.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-MARRIAGE',
        name: { zh: '婚姻服务', en: 'Marriage services' },
        handling: 'information',
        keywords: ['结婚登记', '婚姻登记', '结婚', '婚介', '相亲', '婚庆'],
        standard: {
          includes: {
            zh: '结婚登记的材料和地点，婚介与婚庆服务信息。',
            en: 'Documents and office for marriage registration; matchmaking and wedding services.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-FUNERAL',
        name: { zh: '殡葬服务', en: 'Funeral services' },
        handling: 'information',
        keywords: ['殡葬', '丧事', '殡仪馆', '火化', '墓地', '丧葬补助'],
        standard: {
          includes: {
            zh: '丧事办理流程、殡仪馆和公墓联系方式、丧葬补助政策。',
            en: 'What to do after a death, funeral home and cemetery contacts, and funeral subsidies.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-GOING-ABROAD',
        name: { zh: '出国指南', en: 'Going abroad' },
        handling: 'information',
        keywords: ['出国', '护照', '办护照', '签证', '出国留学', '出境'],
        standard: {
          includes: {
            zh: '办理护照、签证和出入境手续的材料与流程，出国留学须知。',
            en: 'Passports, visas and exit procedures, and notes on studying abroad.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-PUBLIC-WELFARE',
        name: { zh: '公益活动', en: 'Public welfare activities' },
        handling: 'information',
        keywords: ['公益', '志愿者', '献血', '捐款', '义诊', '慈善'],
        standard: {
          includes: {
            zh: '全国和本地公益活动、志愿者招募、献血和义诊信息。',
            en: 'National and local charity events, volunteering, blood drives and free clinics.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
      {
        code: 'INF-POLICY',
        name: { zh: '政策法规咨询', en: 'Policy and regulations' },
        handling: 'information',
        keywords: ['政策', '法规', '政策咨询', '补贴', '低保', '户口'],
        standard: {
          includes: {
            zh: '宣传和解答惠民政策、法规，如低保、补贴、户籍办理。',
            en: 'Explaining public policies and regulations such as minimum living allowance, subsidies and household registration.',
          },
          qualifications: [],
          guidePrice: null,
        },
      },
    ],
  },
];
