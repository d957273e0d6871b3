/**
 * The pure part of @jiazheng/firmware-config: no Node built-ins and no IO, so the appliance can route calls
 * and the PWA can validate a provisioning file without pulling in the certificate authority.
 */
export {
  Codec,
  EslListen,
  findDefaultQueue,
  listProvisioningIssues,
  parseProvisioning,
  provisioningSchema,
  QueueStrategy,
  type Provisioning,
  type ProvisioningInput,
  type ProvisioningIssue,
  type Queue,
  type RoutingRule,
  type Seat,
} from './provisioning';
export { routeCall, RouteReasonKind, type RouteDecision, type RouteReason } from './routing';
export {
  CARRIER_GATEWAY,
  ESL_PORT,
  ESL_ACL,
  FALLBACK_EXTENSION,
  LAN_ACL,
  QUEUES_CONTEXT,
  renderFreeswitchConfig,
  type RenderedFiles,
} from './render';
export { checkRenderedConfig, CheckProblemCode, ConfigFile, type CheckProblem } from './check';
export {
  countyCertificatesRequestSchema,
  serverCertificateRequestSchema,
  type CountyCertificatesRequest,
  type ServerCertificateRequest,
} from './certificate-request';
