import { Module } from '@nestjs/common';
import { LibraryRepository } from '@muse/db';
import { FoldersController, LibraryController } from './library.controller.js';
import { LibraryUploadsService } from './library-uploads.service.js';
import { LibraryService } from './library.service.js';

@Module({
  controllers: [LibraryController, FoldersController],
  providers: [{ provide: LibraryRepository, useValue: new LibraryRepository() }, LibraryService, LibraryUploadsService],
})
export class LibraryModule {}
