import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { GenerationsDailyQuery, TopGenresQuery } from '@muse/contracts';
import { AnalyticsRepository, asUser, type Database, type Identity } from '@muse/db';
import { notFound } from '../common/problem.js';
import { parseInput } from '../common/validation.js';
import { DATABASE } from '../core/tokens.js';

const day = (d: Date | string): string => (d instanceof Date ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}` : d.slice(0, 10));

/**
 * GET /v1/admin/analytics/{report}: the design's analytics functions, run as the caller so the
 * functions' own admin checks apply on top of the route's role guard.
 */
@Injectable()
export class AnalyticsReportsService {
  constructor(@Inject(DATABASE) private readonly db: Database, private readonly analytics: AnalyticsRepository) {}

  report(identity: Identity, name: string, query: unknown) {
    switch (name) {
      case 'generations-daily': {
        const { days } = parseInput(GenerationsDailyQuery, query, 'query');
        return asUser(this.db, identity, async (trx) => ({
          report: name,
          days,
          data: (await this.analytics.generationsDaily(trx, days)).map((r) => ({ ...r, day: day(r.day) })),
        }));
      }
      case 'top-genres': {
        const { limit } = parseInput(TopGenresQuery, query, 'query');
        return asUser(this.db, identity, async (trx) => ({ report: name, data: await this.analytics.topGenres(trx, limit) }));
      }
      case 'prompt-statistics': {
        const { limit } = parseInput(TopGenresQuery, query, 'query');
        // prompt_history is owner-only under RLS; the route's admin guard has vouched for the caller.
        return this.analytics.promptStatistics(this.db, limit).then((data) => ({ report: name, data }));
      }
      case 'archive-statistics':
        parseInput(z.strictObject({}), query, 'query');
        return asUser(this.db, identity, (trx) => this.analytics.archiveStatistics(trx)).then(async (stats) => ({
          report: name,
          ...stats,
          // Run records are the owners' under RLS; the function above has just checked the caller is an admin.
          archived_bytes: await this.analytics.archivedBytes(this.db),
        }));
      default:
        throw notFound(`report '${name}'`);
    }
  }

  /** One user's figures: the design's user stats, Mureka stats, and their ingested events by type (30 days). */
  user(identity: Identity, userId: string) {
    return asUser(this.db, identity, async (trx) => {
      const stats = await this.analytics.userStats(trx, userId);
      if (!stats) throw notFound('user');
      return {
        report: 'users',
        ...stats,
        mureka: await this.analytics.userMurekaStats(trx, userId),
        events_by_type_last_30_days: await this.analytics.userEventCounts(trx, userId, 30),
      };
    });
  }
}
