import { z } from 'zod';
import { JOB_KINDS, JobKind } from '@muse/contracts';

const KindPrices = z.partialRecord(JobKind, z.number().int().min(0).max(10_000));
const PlanName = z.string().regex(/^[a-z][a-z0-9_-]{0,99}$/, 'a plan name (lower case)');

/**
 * CREDIT_PRICES, parsed: either the flat form `{"generation": 1, "stems": 2}` (one price list for
 * every plan, as before) or per plan, `{"default": {"generation": 1}, "pro": {"generation": 2}}`,
 * where a plan's list is merged over "default", which is merged over the built-in prices.
 */
export const CreditPricesConfig = z.union([
  z.strictObject({ default: KindPrices.optional() }).catchall(KindPrices).transform((v) => {
    const { default: base, ...plans } = v;
    return { default: base ?? {}, plans: plans as Record<string, z.infer<typeof KindPrices>> };
  }),
  KindPrices.transform((v) => ({ default: v, plans: {} as Record<string, z.infer<typeof KindPrices>> })),
]).superRefine((v, ctx) => {
  for (const plan of Object.keys(v.plans)) {
    if (!PlanName.safeParse(plan).success) ctx.addIssue({ code: 'custom', path: [plan], message: 'not a plan name' });
  }
});
export type CreditPricesConfig = z.infer<typeof CreditPricesConfig>;

/** Music generation costs a credit; the other kinds are free until configured. */
export const DEFAULT_PRICES: Record<JobKind, number> = Object.fromEntries(JOB_KINDS.map((k) => [k, k === 'generation' ? 1 : 0])) as Record<JobKind, number>;

/** The resolved price lists: the default one and each configured plan's. */
export class CreditPrices {
  readonly base: Record<JobKind, number>;
  private readonly plans = new Map<string, Record<JobKind, number>>();

  constructor(config: CreditPricesConfig) {
    this.base = { ...DEFAULT_PRICES, ...config.default };
    for (const [plan, prices] of Object.entries(config.plans)) this.plans.set(plan, { ...this.base, ...prices });
  }

  planNames(): string[] {
    return [...this.plans.keys()];
  }

  /** The price list a plan pays. */
  forPlan(plan: string): Record<JobKind, number> {
    return { ...(this.plans.get(plan) ?? this.base) };
  }

  /** One kind's prices as charge_job takes them: {"default": n, "<plan>": m, …}. */
  forKind(kind: JobKind): Record<string, number> {
    const table: Record<string, number> = { default: this.base[kind] };
    for (const [plan, prices] of this.plans) table[plan] = prices[kind];
    return table;
  }
}
