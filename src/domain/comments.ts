import type { Viewer } from '../auth/viewer.js';
import { insufficientAccess, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { CommentRecord, FeedElementRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { ActivityChanges } from './activity.js';
import { canDeleteComment, canEditComment } from './feed-access.js';
import type { FeedElementService } from './feed-elements.js';
import type { CommentView, FeedViews } from './feed-views.js';
import type { FileService } from './files.js';
import type { GroupAccess } from './group-access.js';
import { requireId } from './ids.js';
import { resolveInlineImages } from './inline-images.js';
import { parseMessageInput } from './message-segments.js';
import { type KeysetCursor, keysetToken, parseKeysetToken } from './page-tokens.js';
import type { Scope } from './scope.js';

/** Comment Input (chatter-facts §2.7): `body.messageSegments`, or the `text` parameter. */
export interface CommentInput {
  body?: unknown;
  text?: string | undefined;
  /** capabilities.content.contentDocumentId: the file the comment carries. */
  fileIds?: string[] | undefined;
}

/**
 * A page of comments. Pages run newest first ("next" = older comments) and list their comments
 * oldest first, as the real service does (chatter-facts §2.7).
 */
export interface CommentPage {
  feedElementId: string;
  comments: CommentView[];
  total: number;
  currentPageToken: string | null;
  nextPageToken: string | null;
  previousPageToken: string | null;
}

interface ReadableComment {
  comment: CommentRecord;
  element: FeedElementRecord;
  access: ReadonlyMap<string, GroupAccess>;
}

/** Comments on posts: anyone who can see a post may read and add them (SPEC §5). */
export class CommentService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly elements: FeedElementService,
    private readonly views: FeedViews,
    private readonly files: FileService,
  ) {}

  async list(
    viewer: Viewer,
    scope: Scope,
    rawElementId: string,
    params: { page?: string | undefined; pageSize: number },
  ): Promise<CommentPage> {
    const cursor =
      params.page === undefined
        ? undefined
        : parseKeysetToken(params.page, KeyPrefix.comment, { newer: true });
    const { element, access } = await this.elements.readable(viewer, scope, rawElementId);
    const rows = await this.store.comments.commentPage(element.id, cursor, params.pageSize + 1);
    const newer = cursor?.direction === 'newer';
    const more = rows.length > params.pageSize;
    // One row beyond the page tells whether there is more in the direction of travel.
    const shown = more ? (newer ? rows.slice(0, params.pageSize) : rows.slice(1)) : rows;
    const oldest = shown[0];
    const newest = shown.at(-1);
    let hasOlder = !newer && more;
    let hasNewer = newer && more;
    if (newer && oldest)
      hasOlder = await this.#exists(element.id, { ...cursorOf(oldest), direction: 'older' });
    if (!newer && cursor) {
      hasNewer = await this.#exists(
        element.id,
        newest ? { ...cursorOf(newest), direction: 'newer' } : cursor,
      );
    }
    return {
      feedElementId: element.id,
      comments: await this.views.comments(viewer, scope, element, shown, access),
      total: element.commentCount,
      currentPageToken: cursor ? keysetToken(cursor) : null,
      nextPageToken: hasOlder && oldest ? keysetToken({ ...cursorOf(oldest), direction: 'older' }) : null,
      previousPageToken: hasNewer && newest ? keysetToken({ ...cursorOf(newest), direction: 'newer' }) : null,
    };
  }

  async #exists(feedElementId: string, cursor: KeysetCursor): Promise<boolean> {
    return (await this.store.comments.commentPage(feedElementId, cursor, 1)).length > 0;
  }

  async post(viewer: Viewer, scope: Scope, rawElementId: string, input: CommentInput): Promise<CommentView> {
    const { element, access } = await this.elements.readable(viewer, scope, rawElementId);
    const message = await this.#message(viewer, scope, input);
    const text = await this.elements.bodyText(viewer, scope, message.segments, message.mentionIds);
    const fileIds = input.fileIds ? await this.files.attachable(viewer, scope, input.fileIds) : [];
    const now = this.clock.now();
    const comment = await this.store.transaction(async (tx) => {
      const record: CommentRecord = {
        id: await tx.newId(KeyPrefix.comment),
        orgId: viewer.orgId,
        feedElementId: element.id,
        authorId: viewer.user.id,
        segments: message.segments,
        text,
        createdAt: now,
        modifiedAt: now,
        likeCount: 0,
      };
      const post = await tx.comments.insertComment(record);
      await tx.files.attach(viewer.orgId, element.id, record.id, fileIds);
      await tx.files.attach(viewer.orgId, element.id, record.id, message.inlineIds, true);
      await new ActivityChanges().commentAdded(record.authorId, post).record(tx);
      return record;
    });
    const commented = {
      ...element,
      commentCount: element.commentCount + 1,
      modifiedAt: now,
      attachedFiles: element.attachedFiles + fileIds.length + message.inlineIds.length,
    };
    const [view] = await this.views.comments(viewer, scope, commented, [comment], access);
    return view as CommentView;
  }

  /** A comment the viewer may read: its post must be readable (and not deleted). */
  async readable(viewer: Viewer, scope: Scope, rawId: string): Promise<ReadableComment> {
    const id = requireId(rawId, KeyPrefix.comment);
    const [comment] = await this.store.comments.findComments(viewer.orgId, [id]);
    if (!comment) throw notFound();
    const { element, access } = await this.elements.readable(viewer, scope, comment.feedElementId);
    return { comment, element, access };
  }

  async get(viewer: Viewer, scope: Scope, rawId: string): Promise<CommentView> {
    const { comment, element, access } = await this.readable(viewer, scope, rawId);
    const [view] = await this.views.comments(viewer, scope, element, [comment], access);
    return view as CommentView;
  }

  /** PATCH: a new body, by the comment's author (or an admin). */
  async edit(viewer: Viewer, scope: Scope, rawId: string, input: CommentInput): Promise<CommentView> {
    const { comment, element, access } = await this.readable(viewer, scope, rawId);
    if (!canEditComment(viewer, comment, element)) {
      throw insufficientAccess("You don't have permission to edit this comment.");
    }
    const message = await this.#message(viewer, scope, input);
    const text = await this.elements.bodyText(viewer, scope, message.segments, message.mentionIds);
    const modifiedAt = this.clock.now();
    await this.store.transaction(async (tx) => {
      await tx.comments.updateCommentBody(viewer.orgId, comment.id, {
        segments: message.segments,
        text,
        modifiedAt,
      });
      await tx.files.replaceInline(viewer.orgId, element.id, comment.id, message.inlineIds);
    });
    const edited = { ...comment, segments: message.segments, text, modifiedAt };
    // Read back: the post's count of files changed with the inline images.
    const [post = element] = await this.store.posts.findElements(viewer.orgId, [element.id]);
    const [view] = await this.views.comments(viewer, scope, post, [edited], access);
    return view as CommentView;
  }

  /** A comment body, parsed, with its inline images checked (inline-images.ts). */
  async #message(viewer: Viewer, scope: Scope, input: CommentInput) {
    const parsed = parseMessageInput(input);
    const { segments, fileIds } = await resolveInlineImages(this.files, viewer, scope, parsed.segments);
    return { segments, mentionIds: parsed.mentionIds, inlineIds: fileIds };
  }

  /** DELETE: the comment's author, the post's author, an admin (SPEC §5). */
  async delete(viewer: Viewer, scope: Scope, rawId: string): Promise<void> {
    const { comment, element } = await this.readable(viewer, scope, rawId);
    if (!canDeleteComment(viewer, comment, element)) {
      throw insufficientAccess("You don't have permission to delete this comment.");
    }
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const deleted = await tx.comments.deleteComment(viewer.orgId, comment, now);
      await new ActivityChanges().commentDeleted(deleted).record(tx);
    });
  }
}

function cursorOf(comment: CommentRecord): { at: number; id: string } {
  return { at: comment.createdAt, id: comment.id };
}
