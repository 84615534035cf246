import { Module } from '@nestjs/common';
import { LibraryRepository, ProjectsRepository } from '@muse/db';
import { ProjectExportsService } from './project-exports.service.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsService } from './projects.service.js';

@Module({
  controllers: [ProjectsController],
  providers: [
    { provide: ProjectsRepository, useValue: new ProjectsRepository() },
    { provide: LibraryRepository, useValue: new LibraryRepository() },
    ProjectsService,
    ProjectExportsService,
  ],
})
export class ProjectsModule {}
