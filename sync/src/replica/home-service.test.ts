import { expect, test } from 'vitest';
import { createId, formatRecordId, type OrderState, type WorkerState } from '../domain';
import { viewStoredRecord } from './local-writes';
import { createStoreRegistrySource } from './home-service';
import { county, createRegistryWorld, receivePayload } from './test-support';

test('the hub decides worker records; a county home checks the worker an enterprise names against them', async () => {
  const world = await createRegistryWorld();
  const { devices } = world;
  const enterpriseId = await world.createEnterprise({ items: ['FAM-CLEANING'], counties: [county] });
  const trained = await world.createWorker({ enterpriseId, name: '李阿姨', trained: true });
  const untrained = await world.createWorker({ enterpriseId, name: '新员工', trained: false });
  const suspended = await world.createWorker({ enterpriseId, name: '赵师傅', trained: true });
  world.expectAccepted(
    await world.atHub({
      recordId: suspended,
      commands: [{ type: 'suspendWorker', payload: { reason: '投诉核查' } }],
    }),
  );

  // The hub knows the enterprise from its store: a worker of an unknown one is refused there.
  const stray = formatRecordId({ kind: 'worker', scope: 'hub', id: createId() });
  const [strayDecision] = await world.atHub({
    recordId: stray,
    commands: [
      {
        type: 'registerWorker',
        payload: {
          workerId: stray,
          enterpriseId: formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId() }),
          name: '无主',
          idNumberMasked: '330106********0026',
          phone: null,
        },
      },
    ],
  });
  expect(strayDecision).toMatchObject({
    outcome: 'rejected',
    code: 'not_found',
    field: 'payload.enterpriseId',
  });
  // Only the registry registers workers; an enterprise's staff cannot (the actor does not name its enterprise).
  const own = formatRecordId({ kind: 'worker', scope: 'hub', id: createId() });
  const [byEnterprise] = await world.atHub({
    recordId: own,
    device: devices.enterpriseStaff,
    commands: [
      {
        type: 'registerWorker',
        payload: {
          workerId: own,
          enterpriseId,
          name: '自招',
          idNumberMasked: '330106********0026',
          phone: null,
        },
      },
    ],
  });
  expect(byEnterprise).toMatchObject({ outcome: 'rejected', code: 'forbidden' });

  const view = await viewStoredRecord({ store: world.hubStore, recordId: trained, deviceId: null });
  const worker = view?.accepted as WorkerState;
  expect(worker).toMatchObject({
    id: trained,
    enterpriseId,
    status: 'active',
    idNumberMasked: '330106********0026',
  });
  expect(worker.trainings.map((t) => t.grants)).toEqual(['pre_post_training']);

  // Before the county has the worker records, a worker named for an order is unknown there.
  const registry = createStoreRegistrySource({ store: world.countyStore });
  expect(await registry.findWorker({ id: trained })).toBeUndefined();
  for (const recordId of [enterpriseId, trained, untrained, suspended]) await world.sync({ recordId });
  expect(await registry.findWorker({ id: trained })).toMatchObject({
    id: trained,
    status: 'active',
    bookings: [],
  });
  // Ids from payloads are untrusted: another kind's record or a malformed id is no worker.
  expect(await registry.findWorker({ id: enterpriseId })).toBeUndefined();
  expect(await registry.findWorker({ id: 'w1' })).toBeUndefined();
  expect(await registry.findEnterprise({ id: trained })).toBeUndefined();
  expect(await registry.findEnterprise({ id: enterpriseId })).toMatchObject({
    id: enterpriseId,
    status: 'active',
  });

  const orderId = formatRecordId({ kind: 'order', scope: county, id: createId() });
  world.expectAccepted(
    await world.atCounty({
      recordId: orderId,
      device: devices.seat,
      commands: [
        { type: 'receive', payload: receivePayload({ orderId }) },
        { type: 'awaitDispatch', payload: {} },
        { type: 'dispatch', payload: { enterpriseId } },
      ],
    }),
  );
  const accept = (workerId: string | null) => ({ type: 'accept', payload: { enterpriseId, workerId } });
  const decisions = await world.atCounty({
    recordId: orderId,
    device: devices.enterpriseStaff,
    commands: [accept(untrained), accept(suspended), accept(stray), accept(trained)],
  });
  expect(decisions.map((d) => (d.outcome === 'accepted' ? 'accepted' : d.message))).toEqual([
    expect.stringMatching(
      /cannot be assigned: no_pre_post_training, missing_qualification:health_certificate/,
    ),
    expect.stringMatching(/cannot be assigned: worker_not_active$/),
    expect.stringMatching(/unknown worker/),
    'accepted',
  ]);
  const order = (await viewStoredRecord({ store: world.countyStore, recordId: orderId, deviceId: null }))
    ?.accepted as OrderState;
  expect(order.dispatch?.workerId).toBe(trained);

  // A worker suspended at the hub after the acceptance can no longer be assigned once the county has it.
  world.expectAccepted(
    await world.atHub({
      recordId: trained,
      commands: [{ type: 'suspendWorker', payload: { reason: '健康证复查' } }],
    }),
  );
  await world.sync({ recordId: trained });
  const [reassign] = await world.atCounty({
    recordId: orderId,
    device: devices.enterpriseStaff,
    commands: [{ type: 'assignWorker', payload: { workerId: trained } }],
  });
  expect(reassign?.outcome === 'rejected' && reassign.message).toMatch(/worker_not_active/);
});
