/**
 * The centre's own name, on its website and in the mailed report. One name per centre today; a configurable
 * one (a province's centre, a city's) is not built yet.
 */
export const CENTRE_NAME = { zh: '家政服务网络中心', en: 'Domestic Service Network Centre' } as const;
