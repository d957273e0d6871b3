/**
 * What the provisioning file (firmware-config) means for the appliance's side of the switch: routing a call
 * to its queue, and the simulator set up like the real switch that file renders.
 */
import {
  FALLBACK_EXTENSION,
  QUEUES_CONTEXT,
  findDefaultQueue,
  routeCall,
  type Provisioning,
} from '@jiazheng/firmware-config/domain';
import type { AgentConfig, QueueConfig, TierConfig } from './switch-simulator/callcenter';
import type { DialplanApp, DialplanExtension } from './switch-simulator/switch-core';

/** Routes a call by the provisioning file's table; the dialplan context holds one extension per queue. */
export function routeWith(options: {
  provisioning: Provisioning;
  caller: string | null;
  callerRaw: string;
  knownCountyCode: string | undefined;
}): { queue: string; reason: string; transferTo: string } {
  // The routing table speaks national numbers: 0571… for fixed lines, 13… for mobiles.
  const national =
    options.caller === null
      ? options.callerRaw.replace(/\D/g, '')
      : options.caller.replace(/^\+86/, '').replace(/^(?=[2-9])/, '0');
  const decision = routeCall({
    provisioning: options.provisioning,
    callerNumber: national.slice(0, 24),
    ...(options.knownCountyCode === undefined ? {} : { knownCountyCode: options.knownCountyCode }),
  });
  const { reason } = decision;
  const why =
    reason.kind === 'known-county'
      ? `known address in ${reason.countyCode}`
      : reason.kind === 'area-code'
        ? `area code ${reason.areaCode}`
        : reason.kind === 'prefix'
          ? `number prefix ${reason.prefix}`
          : 'default queue';
  return { queue: decision.queue, reason: why, transferTo: `queue-${decision.queue} XML ${QUEUES_CONTEXT}` };
}

/**
 * The simulator set up as firmware-config renders a real switch for this county: its queues, its seats as
 * agents (logged out until a call-taker logs in; in training they ring until answered), and the inbound
 * dialplan's route window followed by the fallback to the default queue.
 */
export function simulatedSwitchFor(options: { provisioning: Provisioning }): {
  queues: QueueConfig[];
  agents: AgentConfig[];
  tiers: TierConfig[];
  extensions: DialplanExtension[];
  defaultApps: DialplanApp[];
} {
  const { provisioning } = options;
  const agent = (extension: string): string => `${extension}@${provisioning.sipDomain}`;
  const defaultQueue = findDefaultQueue({ provisioning }).name;
  return {
    queues: provisioning.queues.map((queue) => ({
      name: queue.name,
      strategy: queue.strategy,
      maxWaitTime: queue.maxWaitTimeSeconds,
      maxWaitTimeWithNoAgent: queue.maxWaitTimeWithNoAgentSeconds,
      discardAbandonedAfter: queue.discardAbandonedAfterSeconds,
    })),
    agents: provisioning.seats.map((seat) => ({
      name: agent(seat.extension),
      contact: `user/${seat.extension}`,
      status: 'Logged Out',
      wrapUpTime: seat.wrapUpTimeSeconds,
      maxNoAnswer: seat.maxNoAnswer,
    })),
    tiers: provisioning.seats.flatMap((seat) =>
      seat.queues.map((queue) => ({ queue, agent: agent(seat.extension) })),
    ),
    extensions: [
      ...provisioning.queues.map((queue) => ({
        destination: `queue-${queue.name}`,
        apps: [{ app: 'callcenter', data: queue.name }, { app: 'hangup' }],
      })),
      {
        destination: FALLBACK_EXTENSION,
        apps: [{ app: 'callcenter', data: defaultQueue }, { app: 'hangup' }],
      },
    ],
    defaultApps: [
      { app: 'answer' },
      { app: 'set', data: `jz_county=${provisioning.county}` },
      { app: 'record_session', data: '$${recordings_dir}/${strftime(%Y-%m-%d)}/${uuid}.wav' },
      { app: 'sleep', data: String(provisioning.routeTimeoutSeconds * 1000) },
      { app: 'transfer', data: `${FALLBACK_EXTENSION} XML ${QUEUES_CONTEXT}` },
    ],
  };
}
