export {
  AREA_CODES,
  areaCodeCity,
  areaCodeSchema,
  regionAreaCode,
  type AreaCode,
  type AreaCodeEntry,
} from './area-codes';
export {
  maskPhone,
  normalisePhone,
  normalisedPhoneSchema,
  phoneInputSchema,
  PhoneKind,
  tryNormalisePhone,
  type NormalisedPhone,
  type NormalisePhoneOptions,
} from './phone';
