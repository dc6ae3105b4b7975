import { useEffect, useState } from 'preact/hooks';
import { api, apiVersion, control, type TokenResponse } from './api.js';
import { Feed } from './feed.js';
import { Raw } from './raw.js';

const READ_AS_KEY = 'chatterbox.readAs';

interface UserSummary {
  id: string;
  displayName: string;
  username?: string;
  userType: string;
  isActive: boolean;
  title: string | null;
}
interface Group {
  id: string;
  name: string;
  visibility: string;
  memberCount: number;
  myRole: string;
  description: string | null;
}

type View =
  | { kind: 'news' }
  | { kind: 'users' }
  | { kind: 'groups' }
  | { kind: 'group'; group: Group }
  | { kind: 'user'; user: UserSummary };

/**
 * The org's data as one of its users sees it: a token minted through the control plane
 * (POST /_chatterbox/tokens), then only the public API.
 */
export function DataPage() {
  const [readAs, setReadAs] = useState(sessionStorage.getItem(READ_AS_KEY) ?? '');
  const [session, setSession] = useState<{ username: string; token: TokenResponse } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<View>({ kind: 'news' });

  const open = async (username: string) => {
    setError(null);
    try {
      // The API version is asked for alongside, not after: the feed needs both.
      const [token] = await Promise.all([
        control<TokenResponse>('POST', '/tokens', { username }),
        apiVersion(),
      ]);
      sessionStorage.setItem(READ_AS_KEY, username);
      setSession({ username, token });
      setView({ kind: 'news' });
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  useEffect(() => {
    if (readAs) void open(readAs);
  }, []);

  // The identity URL ends in /id/<org ID>/<user ID>.
  const [orgId, userId] = session ? session.token.id.split('/').slice(-2) : [];
  return (
    <div class="data-page">
      <Orgs />
      <form
        class="inline read-as"
        onSubmit={(e) => {
          e.preventDefault();
          void open(readAs);
        }}
      >
        <label>
          Read as
          <input
            value={readAs}
            onInput={(e) => setReadAs((e.target as HTMLInputElement).value)}
            placeholder="alice@acme.example"
            required
          />
        </label>
        <button type="submit">Open</button>
        {session && (
          <span class="hint">
            Org <code>{orgId}</code> · user <code>{userId}</code>
          </span>
        )}
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {session && (
        <>
          <nav class="tabs">
            {(['news', 'users', 'groups'] as const).map((kind) => (
              <button
                key={kind}
                type="button"
                class={view.kind === kind ? 'active' : ''}
                onClick={() => setView({ kind })}
              >
                {kind === 'news' ? 'News feed' : kind === 'users' ? 'Users' : 'Groups'}
              </button>
            ))}
          </nav>
          <EntityView
            key={`${session.username}:${JSON.stringify(view)}`}
            token={session.token.access_token}
            view={view}
            onOpen={setView}
          />
        </>
      )}
    </div>
  );
}

interface Org {
  id: string;
  name: string;
  createdAt: string;
}

/** Every org of the server, from the control plane (GET /_chatterbox/orgs). */
function Orgs() {
  const [state, setState] = useState<{ data: { orgs: Org[] } | null; error: string | null }>({
    data: null,
    error: null,
  });
  useEffect(() => {
    control<{ orgs: Org[] }>('GET', '/orgs').then(
      (data) => setState({ data, error: null }),
      (failure: Error) => setState({ data: null, error: failure.message }),
    );
  }, []);
  if (state.error) return <p class="error">{state.error}</p>;
  if (!state.data) return <p class="hint">Loading orgs…</p>;
  return (
    <section class="orgs">
      <table class="data" aria-label="Orgs">
        <thead>
          <tr>
            <th>Org</th>
            <th>ID</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {state.data.orgs.map((org) => (
            <tr key={org.id}>
              <td>{org.name}</td>
              <td>
                <code>{org.id}</code>
              </td>
              <td>{new Date(org.createdAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Raw value={state.data} />
    </section>
  );
}

function useApi<T>(token: string, path: string): { data: T | null; error: string | null } {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    api<T>(token, path).then(
      (data) => setState({ data, error: null }),
      (failure: Error) => setState({ data: null, error: failure.message }),
    );
  }, [token, path]);
  return state;
}

function EntityView({ token, view, onOpen }: { token: string; view: View; onOpen: (view: View) => void }) {
  switch (view.kind) {
    case 'news':
      return <Feed token={token} path="/chatter/feeds/news/me/feed-elements" title="News feed" />;
    case 'users':
      return <Users token={token} onOpen={(user) => onOpen({ kind: 'user', user })} />;
    case 'groups':
      return <Groups token={token} onOpen={(group) => onOpen({ kind: 'group', group })} />;
    case 'user':
      return (
        <>
          <h2>{view.user.displayName}</h2>
          <Raw value={view.user} />
          <Feed
            token={token}
            path={`/chatter/feeds/user-profile/${view.user.id}/feed-elements`}
            title="Profile feed"
          />
        </>
      );
    case 'group':
      return <GroupView token={token} group={view.group} />;
  }
}

function Users({ token, onOpen }: { token: string; onOpen: (user: UserSummary) => void }) {
  const { data, error } = useApi<{ users: UserSummary[] }>(token, '/chatter/users?pageSize=250');
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="hint">Loading…</p>;
  return (
    <>
      <table class="data" aria-label="Users">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Title</th>
            <th>Active</th>
            <th>ID</th>
          </tr>
        </thead>
        <tbody>
          {data.users.map((u) => (
            <tr key={u.id}>
              <td>
                <button type="button" class="link" onClick={() => onOpen(u)}>
                  {u.displayName}
                </button>
              </td>
              <td>{u.userType}</td>
              <td>{u.title ?? ''}</td>
              <td>{u.isActive ? 'yes' : 'no'}</td>
              <td>
                <code>{u.id}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Raw value={data} />
    </>
  );
}

function Groups({ token, onOpen }: { token: string; onOpen: (group: Group) => void }) {
  const { data, error } = useApi<{ groups: Group[] }>(token, '/chatter/groups?pageSize=250');
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="hint">Loading…</p>;
  return (
    <>
      <table class="data" aria-label="Groups">
        <thead>
          <tr>
            <th>Name</th>
            <th>Visibility</th>
            <th>Members</th>
            <th>My role</th>
          </tr>
        </thead>
        <tbody>
          {data.groups.map((g) => (
            <tr key={g.id}>
              <td>
                <button type="button" class="link" onClick={() => onOpen(g)}>
                  {g.name}
                </button>
              </td>
              <td>{g.visibility}</td>
              <td>{g.memberCount}</td>
              <td>{g.myRole}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Raw value={data} />
    </>
  );
}

interface Member {
  id: string;
  role: string;
  user: UserSummary;
}

function GroupView({ token, group }: { token: string; group: Group }) {
  const members = useApi<{ members: Member[]; totalMemberCount: number }>(
    token,
    `/chatter/groups/${group.id}/members?pageSize=250`,
  );
  const requests = useApi<{ requests: { id: string; status: string; user: UserSummary }[] }>(
    token,
    `/chatter/groups/${group.id}/members/requests`,
  );
  return (
    <>
      <h2>{group.name}</h2>
      <p class="hint">
        {group.visibility} · {group.memberCount} members{group.description ? ` · ${group.description}` : ''}
      </p>
      <Raw value={group} />
      <h3>Members</h3>
      {members.error && <p class="error">{members.error}</p>}
      {members.data && (
        <ul class="chips" aria-label="Members">
          {members.data.members.map((m) => (
            <li key={m.id}>
              {m.user.displayName} <span class="hint">{m.role}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Join requests</h3>
      {requests.error && <p class="hint">{requests.error}</p>}
      {requests.data &&
        (requests.data.requests.length === 0 ? (
          <p class="hint">None.</p>
        ) : (
          <ul class="chips">
            {requests.data.requests.map((r) => (
              <li key={r.id}>
                {r.user.displayName} <span class="hint">{r.status}</span>
              </li>
            ))}
          </ul>
        ))}
      <Feed token={token} path={`/chatter/feeds/record/${group.id}/feed-elements`} title="Group feed" />
    </>
  );
}
