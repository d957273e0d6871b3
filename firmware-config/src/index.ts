/**
 * @jiazheng/firmware-config: a county appliance's provisioning file, the FreeSWITCH configuration rendered
 * from it, the checks that configuration must pass, call routing, and the county certificate authority.
 * `@jiazheng/firmware-config/domain` has everything but the certificate authority, without IO.
 */
export * from './domain/index';
export {
  CountyCaError,
  issueCountyCertificates,
  issueServerCertificate,
  type CountyCertificates,
  type ServerCertificate,
} from './adapters/county-ca';
