// ---- conversation state of posts (migration 012, decision 0028) --------------------------------

/** The viewer's own marks on a page of posts. */
export interface ViewerPostState {
  bookmarked: Set<string>;
  muted: Set<string>;
  /** Post ID → when the viewer last read it. */
  readAt: Map<string, number>;
}

export interface PostReadRecord {
  userId: string;
  lastReadAt: number;
}

/** Edit and question state kept on a post. `revision` is 1 until the first edit. */
export interface PostEditState {
  lastEditedBy: string | null;
  lastEditedAt: number | null;
  revision: number;
  questionTitle: string | null;
  bestAnswerId: string | null;
  bestAnswerBy: string | null;
}

export interface TopicRecord {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  createdAt: number;
  /** Live posts assigned the topic (a counter kept by every assigning write). */
  talkingAbout: number;
}

export interface PollChoiceRecord {
  id: string;
  feedElementId: string;
  /** From 1. */
  position: number;
  text: string;
  voteCount: number;
  /** The reading user's vote. */
  isMine: boolean;
}
