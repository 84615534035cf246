import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module.js';
import { StemsController } from './stems.controller.js';
import { StemsService } from './stems.service.js';

@Module({ imports: [JobsModule], controllers: [StemsController], providers: [StemsService] })
export class StemsApiModule {}
