import { useEffect, useRef, useState } from 'preact/hooks';
import { control, events, type JournalRow } from './api.js';
import { RequestDetail } from './request-detail.js';

/** Rows kept in the page; older ones are still in the journal, and the filters query all of it. */
const MAX_ROWS = 5000;
/** The rows the stream sends first. */
const FIRST_ROWS = 1000;
const ROW_HEIGHT = 28;

interface Filters {
  status: string;
  path: string;
  username: string;
  errorCode: string;
}

const NO_FILTERS: Filters = { status: '', path: '', username: '', errorCode: '' };

type Connection = 'connecting' | 'live' | 'lost';

/** The journal, live: a virtualized list over the request stream, the filters, one entry opened. */
export function RequestsPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [rows, setRows] = useState<JournalRow[]>([]);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [selected, setSelected] = useState<number | null>(null);
  const list = useRef<HTMLDivElement>(null);

  // Text filters apply once typing pauses; the status class at once.
  useEffect(() => {
    const timer = setTimeout(() => setFilters(draft), draft.status === filters.status ? 250 : 0);
    return () => clearTimeout(timer);
  }, [draft]);

  useEffect(() => {
    const abort = new AbortController();
    const query = new URLSearchParams({ limit: String(FIRST_ROWS) });
    for (const [name, value] of Object.entries(filters)) if (value.trim()) query.set(name, value.trim());
    const follow = async () => {
      while (!abort.signal.aborted) {
        setConnection('connecting');
        let first = true;
        try {
          for await (const { event, data } of events(`/requests/stream?${query}`, abort.signal)) {
            setConnection('live');
            if (event === 'cleared') setRows([]);
            if (event !== 'requests') continue;
            const batch = JSON.parse(data) as JournalRow[];
            if (first) setRows(batch);
            else {
              keepScrollPosition(list.current, batch.length);
              setRows((current) => [...batch, ...current].slice(0, MAX_ROWS));
            }
            first = false;
          }
        } catch {
          // The stream broke (server restarted, network): try again shortly.
        }
        if (abort.signal.aborted) return;
        setConnection('lost');
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    };
    void follow();
    return () => abort.abort();
  }, [filters]);

  const set = (name: keyof Filters) => (event: Event) =>
    setDraft({ ...draft, [name]: (event.target as HTMLInputElement).value });

  return (
    <div class="requests">
      <section class="list-pane">
        <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
          <label>
            Status
            <select value={draft.status} onChange={set('status')}>
              <option value="">All</option>
              {['2xx', '3xx', '4xx', '5xx'].map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Path
            <input type="search" value={draft.path} onInput={set('path')} placeholder="/chatter/feeds" />
          </label>
          <label>
            User
            <input
              type="search"
              value={draft.username}
              onInput={set('username')}
              placeholder="alice@acme.example"
            />
          </label>
          <label>
            errorCode
            <input type="search" value={draft.errorCode} onInput={set('errorCode')} placeholder="NOT_FOUND" />
          </label>
        </form>
        <div class="list-status">
          <span class={`dot ${connection}`} />
          <span role="status">
            {connection === 'live' ? 'Live' : connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'} ·{' '}
            {rows.length === 1 ? '1 request' : `${rows.length} requests`}
          </span>
          <button type="button" class="link" onClick={() => void control('DELETE', '/requests')}>
            Clear journal
          </button>
        </div>
        <RequestList rows={rows} selected={selected} onSelect={setSelected} container={list} />
      </section>
      <section class="detail-pane">
        {selected === null ? (
          <p class="hint">Choose a request to see its headers and bodies.</p>
        ) : (
          <RequestDetail id={selected} />
        )}
      </section>
    </div>
  );
}

/** When rows arrive above a list scrolled down, the rows in view stay where they are. */
function keepScrollPosition(container: HTMLDivElement | null, added: number) {
  if (container && container.scrollTop > 0) container.scrollTop += added * ROW_HEIGHT;
}

/** API paths without their common `/services/data/` start, so the part that differs shows. */
const shortPath = (path: string) => path.replace(/^\/services\/data\//, '');

const HEADINGS = ['Time', 'Method', 'Path', 'Status', 'errorCode', 'User', 'App', 'ms'];

/** Only the rows in view are in the document, however many there are; spacer rows stand for the rest. */
function RequestList({
  rows,
  selected,
  onSelect,
  container,
}: {
  rows: JournalRow[];
  selected: number | null;
  onSelect: (id: number) => void;
  container: { current: HTMLDivElement | null };
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const start = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 5);
  const end = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + 5);
  return (
    <div class="rows" ref={container} onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}>
      <table class="requests-table" aria-label="Requests">
        <thead>
          <tr>
            {HEADINGS.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr class="spacer" style={{ height: `${start * ROW_HEIGHT}px` }} />
          {rows.slice(start, end).map((row) => (
            <tr
              key={row.id}
              tabIndex={0}
              aria-selected={row.id === selected}
              class={`status-${Math.floor(row.status / 100)}xx${row.id === selected ? ' selected' : ''}`}
              onClick={() => onSelect(row.id)}
              onKeyDown={(e) => e.key === 'Enter' && onSelect(row.id)}
            >
              <td>{new Date(row.time).toLocaleTimeString([], { hour12: false })}</td>
              <td>{row.method}</td>
              <td class="path" title={row.path}>
                {shortPath(row.path)}
              </td>
              <td class="status">{row.status}</td>
              <td>{row.errorCode ?? ''}</td>
              <td>{row.username ?? ''}</td>
              <td>{row.clientId ?? ''}</td>
              <td class="num">{row.durationMs.toFixed(1)}</td>
            </tr>
          ))}
          <tr class="spacer" style={{ height: `${(rows.length - end) * ROW_HEIGHT}px` }} />
        </tbody>
      </table>
    </div>
  );
}
