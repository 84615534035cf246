import type { NextFunction, Request, Response } from 'express';
import type { Histogram } from 'prom-client';

/** Labels by route template (never the raw path) so ids never become label values. */
export function httpMetricsMiddleware(histogram: Histogram<'method' | 'route' | 'status_code'>) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      histogram.observe({ method: req.method, route: `${req.baseUrl ?? ''}${route}`, status_code: String(res.statusCode) }, seconds);
    });
    next();
  };
}
