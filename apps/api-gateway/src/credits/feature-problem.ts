import { Problem } from '../common/problem.js';

/** SQLSTATE raised by enforce_plan_feature() (migration 0030) when the owner's plan lacks a job kind's feature. */
export const FEATURE_NOT_IN_PLAN_SQLSTATE = 'MF403';

/** 403 feature-not-in-plan: names the feature, the caller's plan and the plans that have it. */
export class FeatureProblem extends Problem {
  constructor(readonly feature: string, readonly plan: string | null, readonly plans: string[]) {
    super(
      403,
      'feature-not-in-plan',
      `${feature} is not part of your ${plan ?? 'current'} plan${plans.length ? `; it is in: ${plans.join(', ')}` : ''}. Nothing was created or charged.`,
    );
  }

  override toBody(instance?: string) {
    return { ...super.toBody(instance), feature: this.feature, plan: this.plan, plans_with_feature: this.plans };
  }
}

/**
 * The trigger's refusal, wherever it surfaces (a submission's job insert, a retry's status change),
 * as the problem the caller can act on; undefined for every other error.
 */
export function featureProblem(error: unknown): FeatureProblem | undefined {
  const e = error as { code?: unknown; detail?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object' || e.code !== FEATURE_NOT_IN_PLAN_SQLSTATE) return undefined;
  let detail: { feature?: unknown; plan?: unknown; plans?: unknown } = {};
  try {
    detail = JSON.parse(String(e.detail ?? '{}')) as typeof detail;
  } catch {
    // the message still names the feature
  }
  const feature = typeof detail.feature === 'string' ? detail.feature : String(e.message ?? '').replace(/^feature not in plan: /, '');
  const plans = Array.isArray(detail.plans) ? detail.plans.filter((p): p is string => typeof p === 'string') : [];
  return new FeatureProblem(feature, typeof detail.plan === 'string' ? detail.plan : null, plans);
}
