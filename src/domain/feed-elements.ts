import type { Viewer } from '../auth/viewer.js';
import { apiError, insufficientAccess, invalidInput, notFound } from '../errors/api-error.js';
import { KeyPrefix } from '../ids/salesforce-id.js';
import type { Clock } from '../lib/clock.js';
import type { FeedElementRecord, FeedItemType, StoredSegment } from '../store/records.js';
import type { Store } from '../store/store.js';
import { ActivityChanges } from './activity.js';
import { canDeleteElement, canEditElement, readRefusal } from './feed-access.js';
import type { FeedElementView, FeedViews } from './feed-views.js';
import type { FileService } from './files.js';
import { type GroupAccess, loadGroupAccess } from './group-access.js';
import { requireId } from './ids.js';
import { resolveInlineImages } from './inline-images.js';
import { parseMessageInput, plainText } from './message-segments.js';
import { UNEDITED } from './post-state.js';
import { requireSubjectId, visibleRecord } from './record-summaries.js';
import { type Scope, scopeCommunityId } from './scope.js';
import { assignAll, ensureTopics, hashtagsOf, retag } from './topics.js';
import type { BatchItem, UserService } from './users.js';

/** Feed Item Input (chatter-facts §2.5), as the edge schema lets it through. */
export interface FeedItemInput {
  body?: unknown;
  /** The parameter form: `?feedElementType=FeedItem&subjectId=…&text=…`. */
  text?: string | undefined;
  feedElementType?: string | undefined;
  subjectId?: string | undefined;
  capabilities?:
    | {
        link?: { url?: string | undefined; urlName?: string | undefined } | undefined;
        poll?: { choices: string[] } | undefined;
        questionAndAnswers?: { questionTitle: string } | undefined;
      }
    | undefined;
  /** The files to attach (capabilities.files v36+, capabilities.content 32–35), as given. */
  fileIds?: string[] | undefined;
}

/** What a post made on behalf of another resource (an announcement) adds to an ordinary one. */
export interface PostOptions {
  type?: 'AdvancedTextPost';
  /** Written in the post's own transaction, after the post. */
  alsoWrite?: (tx: Store, post: FeedElementRecord) => Promise<void>;
}

export const FEED_ELEMENTS_BATCH_MAX = 500;
export const DEFAULT_RECENT_COMMENTS = 3;

/** A post the viewer may read, with the access of its group (if any). */
export interface ReadableElement {
  element: FeedElementRecord;
  access: ReadonlyMap<string, GroupAccess>;
}

/** Posts (feed elements of type FeedItem): create, read, edit, delete (SPEC §5, §6). */
export class FeedElementService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly views: FeedViews,
    private readonly files: FileService,
  ) {}

  /**
   * POST feed-elements: to one's own or another user's profile, or to a group one may post to.
   * Updates the group's last post date in the same transaction.
   */
  async post(
    viewer: Viewer,
    scope: Scope,
    input: FeedItemInput,
    options: PostOptions = {},
  ): Promise<FeedElementView> {
    const subject =
      input.subjectId === 'me'
        ? { id: viewer.user.id, kind: 'user' as const }
        : await requireSubjectId(this.store, viewer.orgId, input.subjectId ?? '');
    const subjectId = subject.id;
    const link = parseLink(input.capabilities?.link);
    const choices = parsePollChoices(input.capabilities?.poll);
    const questionTitle = parseQuestionTitle(input.capabilities?.questionAndAnswers);
    if (choices && questionTitle !== undefined) throw apiError('POLL_AND_QUESTION');
    const parsed =
      (link || questionTitle !== undefined) && input.body === undefined && input.text === undefined
        ? { segments: [], mentionIds: [] }
        : parseMessageInput(input);
    let access: ReadonlyMap<string, GroupAccess> = new Map();
    if (subject.kind === 'record') {
      // Any internal user may post to a record (§12.1); in a community it does not exist.
      await visibleRecord(this.store, viewer, scope, subjectId);
    } else if (subject.kind === 'group') {
      access = await loadGroupAccess(this.store, viewer, scope, [subjectId]);
      const target = access.get(subjectId);
      if (!target?.visible) throw notFound();
      if (!target.canPost) throw insufficientAccess("You don't have permission to post to this group.");
    } else {
      const target = await this.users.summaries(viewer, scope, [subjectId], { visibleOnly: true });
      if (!target.has(subjectId)) throw notFound();
    }
    const { message, inlineIds, text } = await this.#body(viewer, scope, parsed);
    const fileIds = input.fileIds ? await this.files.attachable(viewer, scope, input.fileIds) : [];
    const app = viewer.appId ? await this.store.orgs.findApp(viewer.appId) : undefined;
    const now = this.clock.now();
    const element = await this.store.transaction(async (tx) => {
      const record: FeedElementRecord = {
        id: await tx.newId(KeyPrefix.feedElement),
        orgId: viewer.orgId,
        communityId: scopeCommunityId(scope),
        authorId: viewer.user.id,
        subjectId,
        subjectKind: subject.kind,
        segments: message.segments,
        text,
        type: options.type ?? postType({ choices, questionTitle, fileIds, link }),
        linkUrl: link?.url ?? null,
        linkName: link?.urlName ?? null,
        clientName: app?.name ?? null,
        createdAt: now,
        modifiedAt: now,
        commentCount: 0,
        likeCount: 0,
        attachedFiles: fileIds.length + inlineIds.length,
        ...(questionTitle === undefined ? {} : { conversation: { ...UNEDITED, questionTitle } }),
      };
      await tx.posts.insertElement({ ...record, questionTitle }, message.mentionIds);
      await tx.files.attach(viewer.orgId, record.id, null, fileIds);
      await tx.files.attach(viewer.orgId, record.id, null, inlineIds, true);
      if (choices) {
        const ids = await tx.reserveIds(KeyPrefix.pollChoice, choices.length);
        await tx.polls.insertChoices(
          choices.map((text, i) => ({ id: ids.id(i), feedElementId: record.id, position: i + 1, text })),
        );
      }
      // Hashtags create their topics and assign them, counted in this transaction (SPEC §12.8).
      const tags = hashtagsOf(message.segments);
      if (tags.length > 0) await assignAll(tx, record, await ensureTopics(tx, viewer.orgId, tags, now), now);
      await new ActivityChanges().postsCreated([record.authorId]).record(tx);
      if (record.subjectKind === 'group') await tx.posts.touchGroupLastPost(subjectId, now);
      await options.alsoWrite?.(tx, record);
      return record;
    });
    const target = access.get(subjectId);
    if (target) access = new Map([[subjectId, { ...target, group: { ...target.group, lastPostAt: now } }]]);
    const [view] = await this.views.elements(viewer, scope, [element], {
      recentCommentCount: DEFAULT_RECENT_COMMENTS,
      access,
    });
    return view as FeedElementView;
  }

  /** A post the viewer may read: wrong-type ID → 400, unknown, deleted or invisible → 404, private → 403. */
  async readable(viewer: Viewer, scope: Scope, rawId: string): Promise<ReadableElement> {
    const id = requireId(rawId, KeyPrefix.feedElement);
    const [element] = await this.store.posts.findElements(viewer.orgId, [id]);
    if (!element) throw notFound();
    const access =
      element.subjectKind === 'group'
        ? await loadGroupAccess(this.store, viewer, scope, [element.subjectId])
        : new Map<string, GroupAccess>();
    const refusal = readRefusal(viewer, scope, element, access);
    if (refusal) throw refusal;
    return { element, access };
  }

  async get(
    viewer: Viewer,
    scope: Scope,
    rawId: string,
    options: { recentCommentCount: number },
  ): Promise<FeedElementView> {
    const { element, access } = await this.readable(viewer, scope, rawId);
    const [view] = await this.views.elements(viewer, scope, [element], { ...options, access });
    return view as FeedElementView;
  }

  /** PATCH: a new body, by the author (or an admin, SPEC §5). */
  async edit(viewer: Viewer, scope: Scope, rawId: string, input: FeedItemInput): Promise<FeedElementView> {
    const { element, access } = await this.readable(viewer, scope, rawId);
    if (!canEditElement(viewer, element)) {
      throw insufficientAccess("You don't have permission to edit this feed element.");
    }
    // A question is retitled by the same PATCH (F2 §6, v34); its body may then stay as it is.
    const title = parseQuestionTitle(input.capabilities?.questionAndAnswers);
    if (title !== undefined && element.type !== 'QuestionPost') throw apiError('NOT_A_QUESTION');
    const parsed =
      title !== undefined && input.body === undefined && input.text === undefined
        ? { segments: element.segments, mentionIds: mentionsOf(element.segments) }
        : parseMessageInput(input);
    const { message, inlineIds, text } = await this.#body(viewer, scope, parsed);
    const modifiedAt = this.clock.now();
    await this.store.transaction(async (tx) => {
      if (title !== undefined) await tx.postState.retitle(element.id, title);
      await tx.posts.updateElementBody(
        viewer.orgId,
        element.id,
        { segments: message.segments, text, modifiedAt },
        message.mentionIds,
      );
      await tx.files.replaceInline(viewer.orgId, element.id, null, inlineIds);
      await tx.postState.recordEdit(element.id, viewer.user.id, modifiedAt);
      // Hashtags taken out or put in change the post's topics (SPEC §12.8).
      await retag(tx, { ...element, modifiedAt }, element.segments, message.segments, modifiedAt);
    });
    // Read back: the revision and last editor are the store's, whatever edits ran at the same time.
    const [edited = { ...element, segments: message.segments, text, modifiedAt }] =
      await this.store.posts.findElements(viewer.orgId, [element.id]);
    const [view] = await this.views.elements(viewer, scope, [edited], {
      recentCommentCount: DEFAULT_RECENT_COMMENTS,
      access,
    });
    return view as FeedElementView;
  }

  /** DELETE: the author, the group's owner or managers, an admin (SPEC §5). */
  async delete(viewer: Viewer, scope: Scope, rawId: string): Promise<void> {
    const { element, access } = await this.readable(viewer, scope, rawId);
    if (!canDeleteElement(viewer, element, access)) {
      throw insufficientAccess("You don't have permission to delete this feed element.");
    }
    // One transaction: the post and the activity counts it takes back from its author and commenters.
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const deleted = await tx.posts.deleteElement(viewer.orgId, element.id, now);
      if (deleted) await tx.topics.postDeleted(element.id);
      // An announcement goes with its post (F2 §8).
      await tx.announcements.deleteOfPost(element.id);
      await new ActivityChanges().postDeleted(deleted).record(tx);
    });
  }

  /** feed-elements/batch/{ids}: one result per ID, in order, each with its own status. */
  async batch(
    viewer: Viewer,
    scope: Scope,
    rawIds: string,
    options: { recentCommentCount: number },
  ): Promise<BatchItem<FeedElementView>[]> {
    const parts = rawIds.split(',').map((p) => p.trim());
    if (parts.length > FEED_ELEMENTS_BATCH_MAX || parts.some((p) => p === '')) {
      throw invalidInput(
        `Invalid feedElementIds: specify between 1 and ${FEED_ELEMENTS_BATCH_MAX} comma-separated IDs.`,
      );
    }
    const parsed = parts.map((raw) => {
      try {
        return { id: requireId(raw, KeyPrefix.feedElement) };
      } catch (error) {
        return { error: error as Error };
      }
    });
    const records = await this.store.posts.findElements(
      viewer.orgId,
      parsed.flatMap((p) => p.id ?? []),
    );
    const byId = new Map(records.map((r) => [r.id, r]));
    const access = await loadGroupAccess(
      this.store,
      viewer,
      scope,
      records.filter((r) => r.subjectKind === 'group').map((r) => r.subjectId),
    );
    const readable = records.filter((r) => readRefusal(viewer, scope, r, access) === null);
    const views = new Map(
      (await this.views.elements(viewer, scope, readable, { ...options, access })).map((v) => [
        v.element.id,
        v,
      ]),
    );
    return parsed.map((p): BatchItem<FeedElementView> => {
      if (!p.id) return { error: p.error as Error };
      const element = byId.get(p.id);
      if (!element) return { error: notFound() };
      const view = views.get(p.id);
      return view ? { value: view } : { error: readRefusal(viewer, scope, element, access) ?? notFound() };
    });
  }

  /** A body as stored (its inline images checked, the files they carry) and its plain text. */
  async #body(viewer: Viewer, scope: Scope, parsed: ReturnType<typeof parseMessageInput>) {
    const { segments, fileIds: inlineIds } = await resolveInlineImages(
      this.files,
      viewer,
      scope,
      parsed.segments,
    );
    const message = { segments, mentionIds: parsed.mentionIds };
    const text = await this.bodyText(viewer, scope, message.segments, message.mentionIds);
    return { message, inlineIds, text };
  }

  /** The plain text of a body; every mentioned user must exist in the org (SPEC §3: else 404). */
  async bodyText(
    viewer: Viewer,
    scope: Scope,
    segments: StoredSegment[],
    mentionIds: string[],
  ): Promise<string> {
    const mentioned = await this.users.summaries(viewer, scope, mentionIds);
    for (const id of mentionIds)
      if (!mentioned.has(id) || mentioned.get(id)?.user.type === 'guest') throw notFound();
    return plainText(segments, (id) => {
      const user = mentioned.get(id)?.user;
      return user ? `${user.firstName} ${user.lastName}`.trim() : '';
    });
  }
}

/** A PollPost's choices: 2 to 10, none blank (SPEC §12.5). */
function parsePollChoices(poll: { choices: string[] } | undefined): string[] | undefined {
  if (poll === undefined) return undefined;
  const choices = poll.choices.map((c) => c.trim());
  if (choices.length < 2 || choices.length > 10) throw apiError('POLL_CHOICE_COUNT');
  if (choices.some((c) => c === ''))
    throw invalidInput('Invalid capabilities.poll.choices: a choice is blank.');
  return choices;
}

export const QUESTION_TITLE_MAX = 255;

/** A QuestionPost's title (F2 §6): required there, not blank, at most 255 characters. */
function parseQuestionTitle(question: { questionTitle: string } | undefined): string | undefined {
  if (question === undefined) return undefined;
  const title = question.questionTitle.trim();
  if (title === '')
    throw invalidInput('Invalid capabilities.questionAndAnswers.questionTitle: specify a title.');
  if ([...title].length > QUESTION_TITLE_MAX) {
    throw invalidInput(
      `Invalid capabilities.questionAndAnswers.questionTitle: specify at most ${QUESTION_TITLE_MAX} characters.`,
    );
  }
  return title;
}

function mentionsOf(segments: readonly StoredSegment[]): string[] {
  return segments.flatMap((s) => (s.type === 'Mention' ? [s.id] : []));
}

function postType(p: {
  choices: string[] | undefined;
  questionTitle: string | undefined;
  fileIds: string[];
  link: unknown;
}): FeedItemType {
  if (p.choices) return 'PollPost';
  if (p.questionTitle !== undefined) return 'QuestionPost';
  if (p.fileIds.length > 0) return 'ContentPost';
  return p.link ? 'LinkPost' : 'TextPost';
}

/** The link capability of a LinkPost: `capabilities.link.{url, urlName}`. */
function parseLink(
  link: { url?: string | undefined; urlName?: string | undefined } | undefined,
): { url: string; urlName: string | null } | undefined {
  if (link === undefined) return undefined;
  const url = link.url?.trim() ?? '';
  if (url === '') throw invalidInput('Invalid capabilities.link.url: specify a URL.');
  return { url, urlName: link.urlName?.trim() || null };
}
