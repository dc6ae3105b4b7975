import { useEffect, useState } from 'preact/hooks';
import { control } from './api.js';
import { useAction } from './use-action.js';

interface Limits {
  hourly: number;
  daily: number;
  dailyStatus: 429 | 403;
}

/** Quota settings (GET and PUT /_chatterbox/limits) and clearing the counters. */
export function QuotasPanel() {
  const [limits, setLimits] = useState<Limits | null>(null);
  const [draft, setDraft] = useState({ hourly: '', daily: '', dailyStatus: '429' });
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();
  const show = (next: Limits) => {
    setLimits(next);
    setDraft({
      hourly: String(next.hourly),
      daily: String(next.daily),
      dailyStatus: String(next.dailyStatus),
    });
  };
  useEffect(() => {
    void action.run(async () => show(await control<Limits>('GET', '/limits')));
  }, []);

  const save = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      show(
        await control<Limits>('PUT', '/limits', {
          hourly: Number(draft.hourly),
          daily: Number(draft.daily),
          dailyStatus: Number(draft.dailyStatus),
        }),
      );
      setSaved('Saved.');
    });
  };
  const input = (name: 'hourly' | 'daily') => (e: Event) =>
    setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value });
  return (
    <section class="panel" aria-label="Quotas">
      <h2>Quotas</h2>
      <form class="grid-form" onSubmit={save}>
        <label>
          Hourly (user × app)
          <input type="number" min={0} value={draft.hourly} onInput={input('hourly')} />
        </label>
        <label>
          Daily (org)
          <input type="number" min={0} value={draft.daily} onInput={input('daily')} />
        </label>
        <label>
          Daily refusal
          <select
            value={draft.dailyStatus}
            onChange={(e) => setDraft({ ...draft, dailyStatus: (e.target as HTMLSelectElement).value })}
          >
            <option value="429">429</option>
            <option value="403">403</option>
          </select>
        </label>
        <button type="submit" disabled={limits === null}>
          Save
        </button>
        <button
          type="button"
          onClick={() =>
            void action.run(async () => {
              await control('DELETE', '/limits/usage');
              setSaved('Counters cleared.');
            })
          }
        >
          Clear counters
        </button>
      </form>
      {saved && <p role="status">{saved}</p>}
      {action.error}
      <UsageGauges />
    </section>
  );
}

interface Usage {
  username: string;
  clientId: string;
  orgId: string;
  hourly: { used: number; limit: number };
  daily: { used: number; limit: number };
}

/** Live usage (GET /_chatterbox/limits/usage) of one user × app and of their org, every 2 s. */
function UsageGauges() {
  const [username, setUsername] = useState(sessionStorage.getItem('chatterbox.readAs') ?? '');
  const [watched, setWatched] = useState(username);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!watched) return;
    const read = () =>
      control<Usage>('GET', `/limits/usage?${new URLSearchParams({ username: watched })}`).then(
        (next) => {
          setUsage(next);
          setError(null);
        },
        (failure: Error) => setError(failure.message),
      );
    void read();
    const timer = setInterval(read, 2000);
    return () => clearInterval(timer);
  }, [watched]);
  return (
    <div class="usage">
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setWatched(username.trim());
        }}
      >
        <label>
          Usage of user
          <input
            value={username}
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
            placeholder="alice@acme.example"
            required
          />
        </label>
        <button type="submit">Show</button>
      </form>
      {error && <p class="error">{error}</p>}
      {usage && !error && (
        <>
          <Gauge label={`${usage.username} × ${usage.clientId}, this hour`} {...usage.hourly} />
          <Gauge label={`Org ${usage.orgId}, last 24 hours`} {...usage.daily} />
        </>
      )}
    </div>
  );
}

function Gauge({ label, used, limit }: { label: string; used: number; limit: number }) {
  return (
    <label class="gauge">
      <span>
        {label}: <strong>{used.toLocaleString()}</strong> / {limit.toLocaleString()}
      </span>
      <meter min={0} max={Math.max(limit, 1)} value={used} low={limit * 0.7} high={limit * 0.9} optimum={0} />
    </label>
  );
}
