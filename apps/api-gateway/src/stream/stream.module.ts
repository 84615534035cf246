import { Module } from '@nestjs/common';
import { StreamController } from './stream.controller.js';
import { JobStreamService } from './stream.service.js';

@Module({ controllers: [StreamController], providers: [JobStreamService] })
export class StreamModule {}
