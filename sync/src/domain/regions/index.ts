export { REGIONS_EDITION } from './regions.generated';
export {
  findRegion,
  formatRegionName,
  getRegion,
  getRegionPath,
  isCountyCode,
  listChildren,
  regionCodeSchema,
  RegionLevel,
  regionSchema,
  searchRegions,
  validateCountyCode,
  type Region,
  type RegionCode,
} from './regions';
