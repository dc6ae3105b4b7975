import { useEffect, useState } from 'preact/hooks';
import { control } from './api.js';
import { useAction } from './use-action.js';

interface Fault {
  id: string;
  method: string | null;
  path: string;
  status: number | null;
  errorCode: string | null;
  message: string | null;
  times: number | null;
  probability: number;
  delayMs: number;
  username: string | null;
  fired: number;
}

const EMPTY = {
  method: '',
  path: '',
  status: '',
  errorCode: '',
  message: '',
  times: '',
  probability: '',
  delayMs: '',
  username: '',
};
type Draft = typeof EMPTY;

/** POST, GET and DELETE /_chatterbox/faults, from a form. */
export function FaultsPanel() {
  const [faults, setFaults] = useState<Fault[]>([]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const action = useAction();
  const load = async () => setFaults((await control<{ faults: Fault[] }>('GET', '/faults')).faults);
  useEffect(() => {
    void action.run(load);
    const timer = setInterval(() => void load().catch(() => undefined), 2000);
    return () => clearInterval(timer);
  }, []);

  const create = (event: Event) => {
    event.preventDefault();
    const input: Record<string, string | number> = { path: draft.path };
    for (const name of ['method', 'errorCode', 'message', 'username'] as const)
      if (draft[name]) input[name] = draft[name];
    for (const name of ['status', 'times', 'probability', 'delayMs'] as const)
      if (draft[name]) input[name] = Number(draft[name]);
    void action.run(async () => {
      await control('POST', '/faults', input);
      setDraft(EMPTY);
      await load();
    });
  };
  const field = (name: keyof Draft, label: string, props: Record<string, unknown> = {}) => (
    <label>
      {label}
      <input
        name={name}
        value={draft[name]}
        onInput={(e) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value })}
        {...props}
      />
    </label>
  );

  return (
    <section class="panel wide" aria-label="Faults">
      <h2>Faults</h2>
      <form class="grid-form" onSubmit={create} aria-label="New fault">
        <label>
          Method
          <select
            value={draft.method}
            onChange={(e) => setDraft({ ...draft, method: (e.target as HTMLSelectElement).value })}
          >
            <option value="">Any</option>
            {['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        {field('path', 'Path (glob)', { required: true, placeholder: '/chatter/users/*' })}
        {field('status', 'Status', { type: 'number', min: 400, max: 599, placeholder: '503' })}
        {field('errorCode', 'errorCode', { placeholder: "the catalogue's" })}
        {field('message', 'Message', { placeholder: "the catalogue's" })}
        {field('times', 'Times', { type: 'number', min: 1, placeholder: 'unlimited' })}
        {field('probability', 'Probability', {
          type: 'number',
          min: 0,
          max: 1,
          step: 0.01,
          placeholder: '1',
        })}
        {field('delayMs', 'Delay (ms)', { type: 'number', min: 0, placeholder: '0' })}
        {field('username', 'Only for user', { placeholder: 'anyone' })}
        <button type="submit">Add fault</button>
      </form>
      {action.error}
      {faults.length === 0 ? (
        <p class="hint">No faults: every request runs normally.</p>
      ) : (
        <table class="data">
          <thead>
            <tr>
              <th>Method</th>
              <th>Path</th>
              <th>Status</th>
              <th>errorCode</th>
              <th>Times</th>
              <th>Fired</th>
              <th>Delay</th>
              <th>User</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {faults.map((f) => (
              <tr key={f.id} aria-label={`Fault ${f.path}`}>
                <td>{f.method ?? 'any'}</td>
                <td>
                  <code>{f.path}</code>
                </td>
                <td>{f.status ?? 'delay only'}</td>
                <td>{f.errorCode ?? ''}</td>
                <td>{f.times ?? '∞'}</td>
                <td>{f.fired}</td>
                <td>{f.delayMs ? `${f.delayMs} ms` : ''}</td>
                <td>{f.username ?? 'anyone'}</td>
                <td>
                  <button
                    type="button"
                    class="link"
                    onClick={() =>
                      void action.run(async () => {
                        await control('DELETE', `/faults/${f.id}`);
                        await load();
                      })
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
