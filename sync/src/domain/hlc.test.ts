import fc from 'fast-check';
import { expect, test } from 'vitest';
import { compareHlc, createHlc, decodeHlc, encodeHlc, maxHlcDriftMs, receiveHlc, tickHlc } from './hlc';

test('tick follows the wall clock and counts within one millisecond', () => {
  const c0 = createHlc({ node: 'a', now: 1000 });
  const c1 = tickHlc({ clock: c0, now: 1000 });
  expect(c1).toEqual({ wallMs: 1000, counter: 1, node: 'a' });
  const c2 = tickHlc({ clock: c1, now: 900 }); // the wall clock stepped back: the HLC does not
  expect(c2).toEqual({ wallMs: 1000, counter: 2, node: 'a' });
  expect(tickHlc({ clock: c2, now: 2000 })).toEqual({ wallMs: 2000, counter: 0, node: 'a' });
});

test('receive moves past the remote time and refuses a clock from the far future', () => {
  const local = createHlc({ node: 'a', now: 1000 });
  const merged = receiveHlc({ clock: local, remote: { wallMs: 1500, counter: 7, node: 'b' }, now: 1200 });
  expect(merged).toEqual({ wallMs: 1500, counter: 8, node: 'a' });
  expect(
    receiveHlc({ clock: merged, remote: { wallMs: 1500, counter: 3, node: 'b' }, now: 1200 }).counter,
  ).toBe(9);
  expect(receiveHlc({ clock: merged, remote: { wallMs: 10, counter: 3, node: 'b' }, now: 5000 })).toEqual({
    wallMs: 5000,
    counter: 0,
    node: 'a',
  });
  expect(() =>
    receiveHlc({
      clock: local,
      remote: { wallMs: 1000 + maxHlcDriftMs + 1, counter: 0, node: 'b' },
      now: 1000,
    }),
  ).toThrow(/remote.wallMs/);
  expect(() => receiveHlc({ clock: local, remote: { wallMs: -1, counter: 0, node: 'b' }, now: 1 })).toThrow(
    /remote.wallMs/,
  );
});

test('the counter overflow is reported, not wrapped', () => {
  expect(() => tickHlc({ clock: { wallMs: 5, counter: 0xffff, node: 'a' }, now: 5 })).toThrow(/overflow/);
});

const hlcArb = fc.record({
  wallMs: fc.integer({ min: 0, max: 2 ** 45 }),
  counter: fc.integer({ min: 0, max: 0xffff }),
  node: fc.stringMatching(/^[a-z0-9]{1,8}$/),
});

test('encoded text sorts exactly like compareHlc and decodes back', () => {
  fc.assert(
    fc.property(hlcArb, hlcArb, (a, b) => {
      const ea = encodeHlc({ hlc: a });
      const eb = encodeHlc({ hlc: b });
      expect(decodeHlc({ text: ea })).toEqual(a);
      const byText = ea < eb ? -1 : ea > eb ? 1 : 0;
      // Node ids of different lengths can only differ in the last field, where both orders are plain string order.
      expect(byText).toBe(compareHlc({ a, b }));
    }),
  );
  expect(() => decodeHlc({ text: 'nonsense' })).toThrow(/text: must be an encoded HLC/);
});

test('a sequence of sends and receives is strictly increasing on every node', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 })), {
        maxLength: 60,
      }),
      (steps) => {
        let a = createHlc({ node: 'a', now: 0 });
        let b = createHlc({ node: 'b', now: 0 });
        for (const [aSends, nowA, nowB] of steps) {
          const sent = aSends ? tickHlc({ clock: a, now: nowA }) : tickHlc({ clock: b, now: nowB });
          if (aSends) a = sent;
          else b = sent;
          const receiver = aSends ? b : a;
          const next = receiveHlc({ clock: receiver, remote: sent, now: aSends ? nowB : nowA });
          expect(compareHlc({ a: next, b: sent })).toBe(1);
          expect(compareHlc({ a: next, b: receiver })).toBe(1);
          if (aSends) b = next;
          else a = next;
        }
      },
    ),
  );
});
