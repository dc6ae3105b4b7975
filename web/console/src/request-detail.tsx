import { useEffect, useState } from 'preact/hooks';
import { control, Failure, type JournalDetail, type JournalMessage, pretty } from './api.js';

/** One journal entry: both sides' headers and bodies, as the journal kept them (bounded, redacted). */
export function RequestDetail({ id }: { id: number }) {
  const [detail, setDetail] = useState<JournalDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setDetail(null);
    setError(null);
    control<JournalDetail>('GET', `/requests/${id}`).then(setDetail, (failure: unknown) =>
      setError(
        failure instanceof Failure && failure.status === 404
          ? 'This request has left the journal.'
          : (failure as Error).message,
      ),
    );
  }, [id]);

  if (error) return <p class="error">{error}</p>;
  if (!detail) return <p class="hint">Loading…</p>;
  return (
    <article class="detail" aria-label="Request detail">
      <h2>
        <span class="method">{detail.method}</span> {detail.path}
      </h2>
      <p class={`summary status-${Math.floor(detail.status / 100)}xx`}>
        <strong>{detail.status}</strong>
        {detail.errorCode && <strong> {detail.errorCode}</strong>} · {new Date(detail.time).toLocaleString()}{' '}
        · {detail.durationMs} ms{detail.username && ` · ${detail.username}`}
        {detail.clientId && ` · ${detail.clientId}`}
      </p>
      {detail.request === null && detail.response === null ? (
        <p class="hint">
          The journal no longer keeps this request's headers and bodies: newer requests took their room.
        </p>
      ) : (
        <>
          <Message title="Request" message={detail.request} />
          <Message title="Response" message={detail.response} />
        </>
      )}
    </article>
  );
}

function Message({ title, message }: { title: string; message: JournalMessage | null }) {
  if (!message) return null;
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <table class="headers">
        <tbody>
          {Object.entries(message.headers).map(([name, value]) => (
            <tr key={name}>
              <th>{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {message.body === null ? (
        <p class="hint">No body.</p>
      ) : (
        <>
          {message.truncated && (
            <p class="hint">
              The first {message.body.length.toLocaleString()} characters of{' '}
              {message.bodyBytes.toLocaleString()} bytes.
            </p>
          )}
          <pre class="body">{message.truncated ? message.body : pretty(message.body)}</pre>
        </>
      )}
    </section>
  );
}
