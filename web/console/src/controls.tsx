import { useEffect, useState } from 'preact/hooks';
import { control } from './api.js';
import { FaultsPanel } from './faults.js';
import { QuotasPanel } from './quotas.js';
import { SignInAs } from './sign-in-as.js';
import { useAction } from './use-action.js';

export function ControlsPage() {
  return (
    <div class="controls">
      <ClockPanel />
      <MaintenancePanel />
      <ResetPanel />
      <QuotasPanel />
      <SignInAs />
      <FaultsPanel />
    </div>
  );
}

interface ClockState {
  now: string;
  offsetMs: number;
}

/** The server clock: shown ticking, moved forward or set (POST /_chatterbox/clock). */
function ClockPanel() {
  const [clock, setClock] = useState<ClockState | null>(null);
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const [, tick] = useState(0);
  const [seconds, setSeconds] = useState('3600');
  const [at, setAt] = useState('');
  const action = useAction();

  const show = (state: ClockState) => {
    setClock(state);
    setFetchedAt(Date.now());
  };
  useEffect(() => {
    void action.run(async () => show(await control<ClockState>('GET', '/clock')));
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);

  const move = (body: unknown) =>
    action.run(async () => show(await control<ClockState>('POST', '/clock', body)));
  const now = clock ? new Date(Date.parse(clock.now) + Date.now() - fetchedAt) : null;
  return (
    <section class="panel" aria-label="Clock">
      <h2>Clock</h2>
      <p class="big">{now ? now.toISOString().replace('T', ' ').slice(0, 19) : '…'} UTC</p>
      <p class="hint">{clock ? `Offset ${formatOffset(clock.offsetMs)} from real time` : ''}</p>
      <div class="inline">
        <button type="button" onClick={() => move({ advanceSeconds: 3600 })}>
          +1 hour
        </button>
        <button type="button" onClick={() => move({ advanceSeconds: 86400 })}>
          +1 day
        </button>
      </div>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void move({ advanceSeconds: Number(seconds) });
        }}
      >
        <label>
          Advance by (seconds)
          <input
            type="number"
            value={seconds}
            onInput={(e) => setSeconds((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Advance</button>
      </form>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void move({ now: new Date(`${at}Z`).toISOString() });
        }}
      >
        <label>
          Set to (UTC)
          <input
            type="datetime-local"
            step="1"
            value={at}
            onInput={(e) => setAt((e.target as HTMLInputElement).value)}
            required
          />
        </label>
        <button type="submit">Set</button>
        <button type="button" onClick={() => move({ advanceSeconds: -(clock?.offsetMs ?? 0) / 1000 })}>
          Back to real time
        </button>
      </form>
      {action.error}
    </section>
  );
}

export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  let rest = Math.round(Math.abs(ms) / 1000);
  const days = Math.floor(rest / 86400);
  rest -= days * 86400;
  const hh = String(Math.floor(rest / 3600)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3600) / 60)).padStart(2, '0');
  const ss = String(rest % 60).padStart(2, '0');
  return `${sign}${days > 0 ? `${days}d ` : ''}${hh}:${mm}:${ss}`;
}

/** PUT /_chatterbox/maintenance: every /services path answers 503 while it is on. */
function MaintenancePanel() {
  const [state, setState] = useState<{ enabled: boolean; retryAfterSeconds: number } | null>(null);
  const action = useAction();
  useEffect(() => {
    void action.run(async () => setState(await control('GET', '/maintenance')));
  }, []);
  const toggle = () =>
    action.run(async () => setState(await control('PUT', '/maintenance', { enabled: !state?.enabled })));
  return (
    <section class="panel" aria-label="Maintenance">
      <h2>Maintenance</h2>
      <p role="status" class={state?.enabled ? 'warn' : ''}>
        {state === null
          ? '…'
          : state.enabled
            ? `On: the API answers 503 (Retry-After ${state.retryAfterSeconds} s)`
            : 'Off: the API answers normally'}
      </p>
      <button type="button" onClick={toggle} disabled={state === null}>
        {state?.enabled ? 'Turn maintenance off' : 'Turn maintenance on'}
      </button>
      {action.error}
    </section>
  );
}

/** POST /_chatterbox/reset, after a second click. */
function ResetPanel() {
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const reset = () =>
    action.run(async () => {
      await control('POST', '/reset');
      setAsking(false);
      setDone(
        `Reset at ${new Date().toLocaleTimeString([], { hour12: false })}: data, quotas, clock, faults and journal are back to the start.`,
      );
    });
  return (
    <section class="panel" aria-label="Reset">
      <h2>Reset</h2>
      <p class="hint">
        Back to the start state: the data (the demo org with --demo), quotas, clock, faults, maintenance,
        journal.
      </p>
      {asking ? (
        <div class="inline">
          <span>Reset everything?</span>
          <button type="button" class="danger" onClick={reset}>
            Yes, reset
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" class="danger" onClick={() => setAsking(true)}>
          Reset…
        </button>
      )}
      {done && <p role="status">{done}</p>}
      {action.error}
    </section>
  );
}
