import { Module } from '@nestjs/common';
import { DawProjectsRepository, NotificationsRepository, PresetsRepository, PromptsRepository, SocialRepository } from '@muse/db';
import { DawProjectsController } from './daw-projects.controller.js';
import { DawProjectsService } from './daw-projects.service.js';
import { NotificationStreamPublisher } from './notification-stream.publisher.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { AiModelPresetsController, EffectsPresetsController } from './presets.controller.js';
import { PresetsService } from './presets.service.js';
import { PromptHistoryController, PromptsController } from './prompts.controller.js';
import { PromptsService } from './prompts.service.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/** Issue #14 part B: prompts and prompt history, notifications (+ stream events), follows and profiles, DAW projects, presets. */
@Module({
  controllers: [PromptsController, PromptHistoryController, NotificationsController, UsersController, DawProjectsController, EffectsPresetsController, AiModelPresetsController],
  providers: [
    PromptsService, NotificationsService, NotificationStreamPublisher, UsersService, DawProjectsService, PresetsService,
    { provide: PromptsRepository, useValue: new PromptsRepository() },
    { provide: NotificationsRepository, useValue: new NotificationsRepository() },
    { provide: SocialRepository, useValue: new SocialRepository() },
    { provide: DawProjectsRepository, useValue: new DawProjectsRepository() },
    { provide: PresetsRepository, useValue: new PresetsRepository() },
  ],
  exports: [NotificationStreamPublisher],
})
export class SocialModule {}
