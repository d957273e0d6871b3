import { z } from 'zod';
import { itemCodeSchema } from '../catalogue/catalogue';
import { ulidSchema } from '../ids';
import { commandEnvelopeSchema } from '../lifecycle';
import { fenSchema } from '../money';

const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const textSchema = (max: number) => z.string().trim().max(max);
const reasonSchema = z.string().trim().min(1, 'a reason is required').max(500);
const enterpriseIdSchema = z.string().min(1).max(80);

export const Channel = { call: 'call', sms: 'sms', web: 'web', walkIn: 'walk_in' } as const;
export type Channel = (typeof Channel)[keyof typeof Channel];
export const channelSchema = z.enum(['call', 'sms', 'web', 'walk_in']);

export const Urgency = { normal: 'normal', urgent: 'urgent', emergency: 'emergency' } as const;
export type Urgency = (typeof Urgency)[keyof typeof Urgency];
export const urgencySchema = z.enum(['normal', 'urgent', 'emergency']);

export const ComplaintKind = { quality: 'quality', price: 'price' } as const;
export type ComplaintKind = (typeof ComplaintKind)[keyof typeof ComplaintKind];

/** How an arbitrated complaint ends; the outcome feeds the enterprise's credit score. */
export const complaintOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dismissed') }),
  z.object({
    kind: z.literal('refund'),
    amountFen: fenSchema.refine((f) => f > 0, 'a refund must be positive'),
  }),
  z.object({ kind: z.literal('penalty'), points: z.number().int().min(1).max(100) }),
  z.object({ kind: z.literal('suspension'), points: z.number().int().min(1).max(100) }),
]);
export type ComplaintOutcome = z.infer<typeof complaintOutcomeSchema>;

export const orderIdSchema = z
  .string()
  .regex(/^order:\d{6}:[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an order record id like order:330106:01J…');

export const receivePayloadSchema = z.object({
  orderId: orderIdSchema,
  channel: channelSchema,
  /** Canonical phone (see phone/) or null for an anonymous SMS or web demand. */
  citizenPhone: z.string().max(40).nullable(),
  citizenName: textSchema(40),
  itemCode: itemCodeSchema,
  urgency: urgencySchema,
  address: textSchema(200),
  wantedAt: epochMsSchema.nullable(),
  /** How long the citizen wants the service to take, for booking the worker. */
  durationMinutes: z
    .number()
    .int()
    .min(15)
    .max(60 * 24 * 31)
    .nullable(),
  notes: textSchema(2000),
});

export const orderCommandSchema = z.discriminatedUnion('type', [
  commandEnvelopeSchema.extend({ type: z.literal('receive'), payload: receivePayloadSchema }),
  commandEnvelopeSchema.extend({
    type: z.literal('answerInformation'),
    payload: z.object({ answer: z.string().trim().min(1, 'an answer is required').max(2000) }),
  }),
  commandEnvelopeSchema.extend({ type: z.literal('awaitDispatch'), payload: z.object({}) }),
  commandEnvelopeSchema.extend({
    type: z.literal('dispatch'),
    payload: z.object({ enterpriseId: enterpriseIdSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('accept'),
    payload: z.object({ enterpriseId: enterpriseIdSchema, workerId: z.string().min(1).max(80).nullable() }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('decline'),
    payload: z.object({ enterpriseId: enterpriseIdSchema, reason: reasonSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('assignWorker'),
    payload: z.object({ workerId: z.string().min(1).max(80) }),
  }),
  commandEnvelopeSchema.extend({ type: z.literal('startService'), payload: z.object({}) }),
  commandEnvelopeSchema.extend({ type: z.literal('markServed'), payload: z.object({ feeFen: fenSchema }) }),
  commandEnvelopeSchema.extend({
    type: z.literal('recordReturnVisit'),
    payload: z.discriminatedUnion('reached', [
      z.object({
        reached: z.literal(true),
        satisfaction: z.number().int().min(1, 'satisfaction is 1 to 5').max(5, 'satisfaction is 1 to 5'),
        comment: textSchema(500),
      }),
      /** A call nobody answered still counts as an attempt: the overdue list shows it. */
      z.object({ reached: z.literal(false), comment: textSchema(500) }),
    ]),
  }),
  commandEnvelopeSchema.extend({ type: z.literal('cancel'), payload: z.object({ reason: reasonSchema }) }),
  commandEnvelopeSchema.extend({
    type: z.literal('openComplaint'),
    payload: z.object({
      complaintId: ulidSchema,
      kind: z.enum(['quality', 'price']),
      description: z.string().trim().min(1).max(2000),
    }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('resolveComplaint'),
    payload: z.object({ complaintId: ulidSchema, outcome: complaintOutcomeSchema, reason: reasonSchema }),
  }),
]);
export type OrderCommand = z.infer<typeof orderCommandSchema>;
export type OrderCommandType = OrderCommand['type'];
