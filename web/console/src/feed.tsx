import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { Raw } from './raw.js';

interface Segment {
  type: string;
  text: string;
  url?: string;
  name?: string;
}
interface Actor {
  id: string;
  displayName?: string;
  name?: string;
}
interface Comment {
  id: string;
  user: Actor;
  body: { messageSegments: Segment[] };
  relativeCreatedDate: string;
}
interface FeedElement {
  id: string;
  actor: Actor;
  header: { text: string } | null;
  body: { messageSegments: Segment[] } | null;
  relativeCreatedDate: string;
  capabilities: {
    chatterLikes?: {
      page: { total: number; items: { user: Actor }[] };
      likesMessage: { text: string } | null;
    };
    comments?: { page: { total: number; items: Comment[] } };
  };
}
interface FeedPage {
  elements: FeedElement[];
  nextPageUrl: string | null;
}

/** A feed as Chatter shows it: posts with their segments, likes and comments, each with its JSON. */
export function Feed({ token, path, title }: { token: string; path: string; title: string }) {
  const [page, setPage] = useState<FeedPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<FeedPage>(token, `${path}?pageSize=25`).then(setPage, (failure: Error) => setError(failure.message));
  }, [token, path]);
  return (
    <section class="feed" aria-label={title}>
      <h3>{title}</h3>
      {error && <p class="error">{error}</p>}
      {page && page.elements.length === 0 && <p class="hint">No posts.</p>}
      {page?.elements.map((element) => (
        <Post key={element.id} element={element} />
      ))}
      {page?.nextPageUrl && <p class="hint">The newest 25 shown.</p>}
    </section>
  );
}

function Post({ element }: { element: FeedElement }) {
  const likes = element.capabilities.chatterLikes;
  const comments = element.capabilities.comments?.page;
  return (
    <article class="post" aria-label={`Post by ${name(element.actor)}`}>
      <header>
        <span class="avatar">{initials(name(element.actor))}</span>
        <div>
          <strong>{decodeEntities(element.header?.text ?? name(element.actor))}</strong>
          <div class="hint">{element.relativeCreatedDate}</div>
        </div>
      </header>
      <p class="body">{element.body && <Segments segments={element.body.messageSegments} />}</p>
      <footer class="hint">
        {likes && likes.page.total > 0
          ? (likes.likesMessage?.text ?? `${likes.page.total} likes`)
          : 'No likes'}{' '}
        · {comments?.total === 1 ? '1 comment' : `${comments?.total ?? 0} comments`}
      </footer>
      {comments && comments.items.length > 0 && (
        <ul class="comments">
          {comments.items.map((c) => (
            <li key={c.id}>
              <strong>{name(c.user)}</strong> <Segments segments={c.body.messageSegments} />{' '}
              <span class="hint">{c.relativeCreatedDate}</span>
            </li>
          ))}
        </ul>
      )}
      <Raw value={element} />
    </article>
  );
}

const SEGMENT_CLASS: Record<string, string> = {
  Mention: 'mention',
  Hashtag: 'hashtag',
  Link: 'link-segment',
};

/** Segments as Chatter shows them; their text is HTML-entity encoded on the wire (SPEC §1). */
function Segments({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) => (
        <span key={i} class={SEGMENT_CLASS[s.type]}>
          {decodeEntities(s.text)}
        </span>
      ))}
    </>
  );
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED[name.toLowerCase()] ?? whole;
    const code =
      name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const name = (actor: Actor) => actor.displayName ?? actor.name ?? actor.id;
const initials = (text: string) =>
  text
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
