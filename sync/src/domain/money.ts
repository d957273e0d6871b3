import { z } from 'zod';

/** Money is always an integer number of fen (分); one yuan is 100 fen. Floats never carry money. */
export const fenSchema = z
  .number()
  .int('must be a whole number of fen')
  .min(0, 'must not be negative')
  .max(100_000_000_00, 'exceeds 100 million yuan');
export type Fen = z.infer<typeof fenSchema>;

export const priceRangeSchema = z
  .object({ minFen: fenSchema, maxFen: fenSchema })
  .refine((r) => r.minFen <= r.maxFen, { message: 'minFen must not exceed maxFen', path: ['minFen'] });
export type PriceRange = z.infer<typeof priceRangeSchema>;

/** Formats fen as yuan in the given locale, e.g. 12345 → "¥123.45" (zh-CN) or "CN¥123.45" (en). */
export function formatFen(options: { fen: Fen; locale: string }): string {
  return new Intl.NumberFormat(options.locale, { style: 'currency', currency: 'CNY' }).format(
    options.fen / 100,
  );
}
