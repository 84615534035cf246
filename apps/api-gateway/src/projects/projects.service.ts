import { Inject, Injectable } from '@nestjs/common';
import { asUser, LibraryRepository, ProjectsRepository, type Database, type Identity, type ProjectWrite, type UserTransaction } from '@muse/db';
import { notFound, Problem } from '../common/problem.js';
import { DATABASE } from '../core/tokens.js';
import { AccountLimitsService } from '../credits/account-limits.service.js';
import type { CreateProjectBody, ListProjectsQuery, PutCollaboratorBody, UpdateProjectBody } from './projects.body.js';

const pgCode = (e: unknown) => (e && typeof e === 'object' && 'code' in e ? (e as { code?: string }).code : undefined);
const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
const decodeCursor = (cursor: string): string => {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new Problem(400, 'validation', 'the request is not valid', [{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
  return id;
};
export { encodeCursor as encodeIdCursor, decodeCursor as decodeIdCursor };

/**
 * Studio Nexus projects as the caller (row-level security: others' private projects are not found;
 * viewers read, editors edit, the owner and team admins manage the team, only the owner deletes).
 * Creating one counts against the tier's monthly 'projects' and the plan's max_projects.
 */
@Injectable()
export class ProjectsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly projects: ProjectsRepository,
    private readonly library: LibraryRepository,
    private readonly limits: AccountLimitsService,
  ) {}

  create(identity: Identity, body: CreateProjectBody) {
    return asUser(this.db, identity, async (trx) => {
      const { audio_library_id, track_id, ...fields } = body;
      const audio = await this.audioOf(trx, audio_library_id, track_id);
      // Inserted first, so the max_projects count includes it; a refusal rolls the insert back.
      const project = await this.projects.insert(trx, identity.userId, { ...fields, ...audio, title: body.title });
      await this.limits.useMonthly(trx, identity, 'projects', project.id);
      return project;
    });
  }

  async list(identity: Identity, q: ListProjectsQuery) {
    const afterId = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await asUser(this.db, identity, (trx) => this.projects.list(trx, { userId: identity.userId, scope: q.public === 'true' ? 'public' : 'mine', limit: q.limit, afterId }));
    const data = rows.slice(0, q.limit);
    return { data, next_cursor: rows.length > q.limit ? encodeCursor(data.at(-1)!.id) : null };
  }

  async get(identity: Identity, id: string) {
    const project = await asUser(this.db, identity, (trx) => this.projects.find(trx, id));
    if (!project) throw notFound('project');
    return project;
  }

  update(identity: Identity, id: string, body: UpdateProjectBody) {
    return asUser(this.db, identity, async (trx) => {
      const { audio_library_id, track_id, ...fields } = body;
      const visible = await this.projects.find(trx, id);
      if (!visible) throw notFound('project');
      if ((await this.projects.accessLevel(trx, id)) < 2) throw new Problem(403, 'forbidden', 'editing this project needs the editor role or above');
      const audio = await this.audioOf(trx, audio_library_id, track_id);
      const updated = await this.projects.update(trx, id, { ...fields, ...audio });
      if (!updated) throw notFound('project');
      return updated;
    });
  }

  async remove(identity: Identity, id: string): Promise<void> {
    await asUser(this.db, identity, async (trx) => {
      if (await this.projects.delete(trx, id)) return;
      // Visible but not deleted: a collaborator (only the owner deletes). Invisible: 404 like any stranger.
      if (await this.projects.find(trx, id)) throw new Problem(403, 'forbidden', 'only the owner can delete a project');
      throw notFound('project');
    });
  }

  versions(identity: Identity, id: string) {
    return asUser(this.db, identity, async (trx) => {
      if (!(await this.projects.find(trx, id))) throw notFound('project');
      return { data: await this.projects.versions(trx, id) };
    });
  }

  collaborators(identity: Identity, id: string) {
    return asUser(this.db, identity, async (trx) => {
      if (!(await this.projects.find(trx, id))) throw notFound('project');
      if ((await this.projects.accessLevel(trx, id)) < 1) throw new Problem(403, 'forbidden', 'the team of a project is visible to its members only');
      return { data: await this.projects.collaborators(trx, id) };
    });
  }

  putCollaborator(identity: Identity, id: string, userId: string, body: PutCollaboratorBody) {
    return asUser(this.db, identity, async (trx) => {
      if ('status' in body) {
        // The invitee answers their own invitation (they cannot see the project before accepting).
        if (userId !== identity.userId) throw new Problem(422, 'validation', 'only the invitee answers an invitation', [{ path: 'status', message: 'give role to manage another member' }]);
        const answered = await this.projects.answer(trx, id, userId, body.status);
        if (!answered) throw notFound('invitation');
        return answered;
      }
      const project = await this.projects.find(trx, id);
      if (!project) throw notFound('project');
      if ((await this.projects.accessLevel(trx, id)) < 3) throw new Problem(403, 'forbidden', 'only the owner and team admins manage collaborators');
      if (userId === project.user_id) throw new Problem(422, 'validation', 'the owner is not a collaborator of their own project', [{ path: 'user_id', message: 'is the owner' }]);
      try {
        const row = await this.projects.upsertCollaborator(trx, { projectId: id, userId, role: body.role, invitedBy: identity.userId, permissions: body.permissions });
        if (!row) throw notFound('collaborator');
        return row;
      } catch (error) {
        if (pgCode(error) === '23503') throw notFound('user');
        throw error;
      }
    });
  }

  async removeCollaborator(identity: Identity, id: string, userId: string): Promise<void> {
    await asUser(this.db, identity, async (trx) => {
      // RLS: the owner and team admins remove anyone, a member removes themself; anything else deletes nothing.
      if (await this.projects.removeCollaborator(trx, id, userId)) return;
      const project = await this.projects.find(trx, id);
      if (project && (await this.projects.accessLevel(trx, id)) < 3 && userId !== identity.userId) {
        throw new Problem(403, 'forbidden', 'only the owner and team admins manage collaborators');
      }
      throw notFound(project ? 'collaborator' : 'project');
    });
  }

  setLike(identity: Identity, id: string, liked: boolean) {
    return asUser(this.db, identity, async (trx) => {
      if (!(await this.projects.find(trx, id))) throw notFound('project');
      if (liked) await this.projects.like(trx, id, identity.userId);
      else await this.projects.unlike(trx, id, identity.userId);
      const after = await this.projects.find(trx, id);
      return { project_id: id, liked, like_count: after?.like_count ?? 0 };
    });
  }

  /** The project's audio from one of the caller's library files or a track they can see. */
  private async audioOf(trx: UserTransaction, libraryId: string | undefined, trackId: string | undefined): Promise<Pick<ProjectWrite, 'original_audio_path' | 'duration_seconds'>> {
    if (libraryId) {
      const item = await this.library.findItem(trx, libraryId);
      if (!item) throw new Problem(422, 'validation', 'no such library file of yours', [{ path: 'audio_library_id', message: 'unknown library file' }]);
      return { original_audio_path: item.file_url, duration_seconds: item.duration_seconds };
    }
    if (trackId) {
      const track = await this.projects.trackAudio(trx, trackId);
      if (!track?.audio_url) throw new Problem(422, 'validation', 'no such track with audio that you can see', [{ path: 'track_id', message: 'unknown track or no audio yet' }]);
      return { original_audio_path: track.audio_url, duration_seconds: track.duration_seconds === null ? null : Number(track.duration_seconds) };
    }
    return {};
  }
}
