import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccountsRepository, ApiKeysRepository, CreditsRepository, SettingsRepository, UsageLimitsRepository } from '@muse/db';
import { AccessPolicyInterceptor } from '../rate-limit/access-policy.interceptor.js';
import { RateLimiterService } from '../rate-limit/rate-limiter.service.js';
import { AccountLimitsService } from './account-limits.service.js';
import { SettingsService } from './settings.service.js';

const repositories = [AccountsRepository, ApiKeysRepository, CreditsRepository, SettingsRepository, UsageLimitsRepository];

/**
 * Account-wide services every feature needs: run-time settings, plan limits and credits, rate limits.
 * Global, because job submission, the auth guard and the access policy all depend on them.
 */
@Global()
@Module({
  providers: [
    ...repositories.map((R) => ({ provide: R, useValue: new R() })),
    SettingsService,
    AccountLimitsService,
    RateLimiterService,
    { provide: APP_INTERCEPTOR, useClass: AccessPolicyInterceptor },
  ],
  exports: [...repositories, SettingsService, AccountLimitsService, RateLimiterService],
})
export class AccountsCoreModule {}
