import { z } from 'zod';

/**
 * Certificates and trainings a worker can hold. The catalogue says which an item needs; a worker's
 * training records say which they hold and until when; dispatch matching compares the two.
 * `prePostTraining` (岗前培训) is the centre's own centralised training that every new worker must pass.
 */
export const Qualification = {
  prePostTraining: 'pre_post_training',
  healthCertificate: 'health_certificate',
  domesticServiceCert: 'domestic_service_cert',
  maternityNurseCert: 'maternity_nurse_cert',
  childcareCert: 'childcare_cert',
  elderCareCert: 'elder_care_cert',
  nursingLicence: 'nursing_licence',
  medicalLicence: 'medical_licence',
  electricianLicence: 'electrician_licence',
  gasLicence: 'gas_licence',
  plumberCert: 'plumber_cert',
  applianceRepairCert: 'appliance_repair_cert',
  vehicleRepairCert: 'vehicle_repair_cert',
  driverLicence: 'driver_licence',
  teacherCert: 'teacher_cert',
  lawyerLicence: 'lawyer_licence',
  realEstateAgentCert: 'real_estate_agent_cert',
  propertyManagerCert: 'property_manager_cert',
} as const;
export type Qualification = (typeof Qualification)[keyof typeof Qualification];

export const qualificationSchema = z.enum(
  Object.values(Qualification) as [Qualification, ...Qualification[]],
);

export const qualificationNames: Readonly<Record<Qualification, { zh: string; en: string }>> = {
  pre_post_training: { zh: '岗前培训合格', en: 'Pre-post training passed' },
  health_certificate: { zh: '健康证', en: 'Health certificate' },
  domestic_service_cert: { zh: '家政服务员证', en: 'Domestic service worker certificate' },
  maternity_nurse_cert: { zh: '母婴护理员证', en: 'Maternity nurse certificate' },
  childcare_cert: { zh: '育婴员证', en: 'Childcare worker certificate' },
  elder_care_cert: { zh: '养老护理员证', en: 'Elderly care worker certificate' },
  nursing_licence: { zh: '护士执业证', en: 'Nursing licence' },
  medical_licence: { zh: '医师执业证', en: 'Medical practitioner licence' },
  electrician_licence: { zh: '电工特种作业操作证', en: 'Electrician special operations licence' },
  gas_licence: { zh: '燃气作业资格证', en: 'Gas work qualification' },
  plumber_cert: { zh: '管道工证', en: 'Plumber certificate' },
  appliance_repair_cert: { zh: '家电维修工证', en: 'Appliance repair certificate' },
  vehicle_repair_cert: { zh: '汽车维修工证', en: 'Vehicle repair certificate' },
  driver_licence: { zh: '机动车驾驶证', en: 'Driving licence' },
  teacher_cert: { zh: '教师资格证', en: 'Teacher qualification' },
  lawyer_licence: { zh: '律师执业证', en: 'Lawyer practising licence' },
  real_estate_agent_cert: { zh: '房地产经纪人资格证', en: 'Real-estate agent qualification' },
  property_manager_cert: { zh: '物业管理员证', en: 'Property manager certificate' },
};
