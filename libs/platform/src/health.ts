import { Controller, Get, Header, HttpCode, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import type { Response } from 'express';
import type { Registry } from 'prom-client';

export interface HealthCheck {
  name: string;
  check: () => Promise<unknown>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: HealthCheck): Promise<[string, 'up' | string]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return [check.name, 'up'];
  } catch (error) {
    return [check.name, `down: ${(error as Error).message}`];
  } finally {
    clearTimeout(timer);
  }
}

@Controller()
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /** Ready only when every dependency answers; orchestrators stop routing work here otherwise. */
  @Get('health/ready')
  async ready(@Res() res: Response) {
    const results = Object.fromEntries(await Promise.all(this.checks.map(runCheck)));
    const ok = Object.values(results).every((r) => r === 'up');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: results });
  }
}

@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Health and metrics endpoints, the same on every service. */
@Module({})
export class OperationsModule {
  static forRoot(options: { registry: Registry; checks: HealthCheck[] }): DynamicModule {
    return {
      module: OperationsModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: HEALTH_CHECKS, useValue: options.checks },
        { provide: METRICS_REGISTRY, useValue: options.registry },
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}
