import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { JobPayload } from '@muse/contracts';
import { ClassificationService } from './classification.service.js';
import { DescriptionService } from './description.service.js';
import { RecognitionService } from './recognition.service.js';

@Controller()
export class AnalysisHandler {
  constructor(
    private readonly classification: ClassificationService,
    private readonly description: DescriptionService,
    private readonly recognition: RecognitionService,
  ) {}

  @MessagePattern('classification.run')
  classify(@Payload() payload: JobPayload<'classification.run'>) {
    return this.classification.run(payload);
  }

  @MessagePattern('description.run')
  describe(@Payload() payload: JobPayload<'description.run'>) {
    return this.description.run(payload);
  }

  @MessagePattern('recognition.run')
  recognise(@Payload() payload: JobPayload<'recognition.run'>) {
    return this.recognition.run(payload);
  }
}
