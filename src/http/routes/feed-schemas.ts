import { Type } from 'typebox';
import { QUESTION_FILTERS } from '../../store/records.js';

/** Query parameters of feed-element lists (chatter-facts §2.6, §2.9). */
export const FeedPageQuery = Type.Object({
  page: Type.Optional(Type.String()),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  recentCommentCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 25 })),
  sort: Type.Optional(Type.Enum(['CreatedDateDesc', 'LastModifiedDateDesc'])),
  updatedSince: Type.Optional(Type.String()),
  elementsPerBundle: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  /** Question filters (F2 §1.4); the record feed takes them, the other feeds answer 400. */
  filter: Type.Optional(Type.Enum([...QUESTION_FILTERS])),
});

export const RecentCommentsQuery = Type.Object({
  recentCommentCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 25 })),
  elementsPerBundle: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
});

/** Comment pages: an opaque token; likes pages: an integer (chatter-facts §2.9). */
export const CommentPageQuery = Type.Object({
  page: Type.Optional(Type.String()),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const LikePageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

/** Message Body Input; its segments are checked one by one in domain/message-segments.ts. */
const MessageBody = Type.Unknown();

/** Files Capability Input (v36+, F2 §2.4): the files to attach, by ID. */
const FilesCapabilityInput = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        { id: Type.String(), operationType: Type.Optional(Type.Enum(['Add', 'add', 'Remove', 'remove'])) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Content Capability Input (posts 32–35, comments): an uploaded file by its ID. */
const ContentCapabilityInput = Type.Object(
  { contentDocumentId: Type.String() },
  { additionalProperties: false },
);

/** A QuestionPost's title (F2 §6), on POST and (retitling, v34) on PATCH. */
const QuestionInput = Type.Object({ questionTitle: Type.String() }, { additionalProperties: false });

/** Feed Item Input (v32–36), or its parameter form `feedElementType`, `subjectId`, `text`. */
export const FeedItemInput = Type.Object(
  {
    body: Type.Optional(MessageBody),
    text: Type.Optional(Type.String()),
    feedElementType: Type.Enum(['FeedItem']),
    subjectId: Type.String(),
    capabilities: Type.Optional(
      Type.Object(
        {
          link: Type.Optional(
            Type.Object(
              { url: Type.Optional(Type.String()), urlName: Type.Optional(Type.String()) },
              { additionalProperties: false },
            ),
          ),
          files: Type.Optional(FilesCapabilityInput),
          content: Type.Optional(ContentCapabilityInput),
          /** A PollPost's choices (F2 §6): 2 to 10, checked by the domain. */
          poll: Type.Optional(
            Type.Object(
              { choices: Type.Array(Type.String(), { maxItems: 100 }) },
              { additionalProperties: false },
            ),
          ),
          /** A QuestionPost's title (F2 §6); bestAnswerId is for PATCH …/question-and-answers only. */
          questionAndAnswers: Type.Optional(QuestionInput),
        },
        { additionalProperties: false },
      ),
    ),
    visibility: Type.Optional(Type.Enum(['AllUsers'])),
  },
  { additionalProperties: false },
);

/** PATCH feed-elements/{id}: the body, and a question's title (chatter-facts §2.5; F2 §6). */
export const FeedItemEditInput = Type.Object(
  {
    body: Type.Optional(MessageBody),
    text: Type.Optional(Type.String()),
    feedElementType: Type.Optional(Type.Enum(['FeedItem'])),
    capabilities: Type.Optional(
      Type.Object({ questionAndAnswers: Type.Optional(QuestionInput) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

/** Comment Input: `body`, or the `text` parameter (chatter-facts §2.7); a file by its ID (F2 §2.4). */
export const CommentInput = Type.Object(
  {
    body: Type.Optional(MessageBody),
    text: Type.Optional(Type.String()),
    capabilities: Type.Optional(
      Type.Object({ content: Type.Optional(ContentCapabilityInput) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const DEFAULT_PAGE_SIZE = 25;
