import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import type { Identity } from '@muse/db';
import { AuthGuard, Caller } from '../auth/auth.guard.js';
import { parseInput } from '../common/validation.js';
import { parseId } from '../jobs/jobs.controller.js';
import { LibraryUploadsService } from './library-uploads.service.js';
import { CreateFolderBody, ListFoldersQuery, ListLibraryQuery, StartUploadBody, UpdateFolderBody, UpdateLibraryItemBody } from './library.body.js';
import { LibraryService } from './library.service.js';

@Controller('v1/library')
@UseGuards(AuthGuard)
export class LibraryController {
  constructor(
    private readonly library: LibraryService,
    private readonly uploads: LibraryUploadsService,
  ) {}

  @Post('uploads')
  @HttpCode(201)
  startUpload(@Caller() caller: Identity, @Body() body: unknown) {
    return this.uploads.start(caller, parseInput(StartUploadBody, body, 'body'));
  }

  @Get('uploads/:id')
  getUpload(@Caller() caller: Identity, @Param('id') id: string) {
    return this.uploads.get(caller, parseId(id, 'upload'));
  }

  @Post('uploads/:id/complete')
  async completeUpload(@Caller() caller: Identity, @Param('id') id: string, @Res() res: Response) {
    const { created, item } = await this.uploads.complete(caller, parseId(id, 'upload'));
    res.status(created ? 201 : 200).json(item);
  }

  @Delete('uploads/:id')
  @HttpCode(204)
  async cancelUpload(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.uploads.cancel(caller, parseId(id, 'upload'));
  }

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.library.list(caller, parseInput(ListLibraryQuery, query, 'query'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.library.get(caller, parseId(id, 'library file'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    return this.library.update(caller, parseId(id, 'library file'), parseInput(UpdateLibraryItemBody, body, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.library.remove(caller, parseId(id, 'library file'));
  }
}

@Controller('v1/folders')
@UseGuards(AuthGuard)
export class FoldersController {
  constructor(private readonly library: LibraryService) {}

  @Post()
  @HttpCode(201)
  create(@Caller() caller: Identity, @Body() body: unknown) {
    return this.library.createFolder(caller, parseInput(CreateFolderBody, body, 'body'));
  }

  @Get()
  list(@Caller() caller: Identity, @Query() query: unknown) {
    return this.library.listFolders(caller, parseInput(ListFoldersQuery, query, 'query'));
  }

  @Get(':id')
  get(@Caller() caller: Identity, @Param('id') id: string) {
    return this.library.getFolder(caller, parseId(id, 'folder'));
  }

  @Patch(':id')
  update(@Caller() caller: Identity, @Param('id') id: string, @Body() body: unknown) {
    return this.library.updateFolder(caller, parseId(id, 'folder'), parseInput(UpdateFolderBody, body, 'body'));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Caller() caller: Identity, @Param('id') id: string): Promise<void> {
    await this.library.removeFolder(caller, parseId(id, 'folder'));
  }
}
