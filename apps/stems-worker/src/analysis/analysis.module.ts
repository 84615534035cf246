import { Module } from '@nestjs/common';
import { AnalysisRepository, FingerprintsRepository, JobsRepository, StemsRepository, TracksRepository } from '@muse/db';
import { jobEventsProvider } from '@muse/platform';
import { AnalysisHandler } from './analysis.handler.js';
import { ClassificationService } from './classification.service.js';
import { DescriptionService } from './description.service.js';
import { FingerprintIndexer } from './fingerprint-indexer.js';
import { JobRunner } from './job-runner.js';
import { ProviderClassification } from './provider-classification.js';
import { ProviderDescription } from './provider-description.js';
import { ProviderRecognition } from './provider-recognition.js';
import { RecognitionService } from './recognition.service.js';

@Module({
  controllers: [AnalysisHandler],
  providers: [
    ClassificationService,
    DescriptionService,
    RecognitionService,
    FingerprintIndexer,
    ProviderClassification,
    ProviderDescription,
    ProviderRecognition,
    JobRunner,
    jobEventsProvider,
    { provide: JobsRepository, useValue: new JobsRepository() },
    { provide: TracksRepository, useValue: new TracksRepository() },
    { provide: StemsRepository, useValue: new StemsRepository() },
    { provide: AnalysisRepository, useValue: new AnalysisRepository() },
    { provide: FingerprintsRepository, useValue: new FingerprintsRepository() },
  ],
})
export class AnalysisModule {}
