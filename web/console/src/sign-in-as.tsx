import { useState } from 'preact/hooks';
import { apiVersion, control, type TokenResponse } from './api.js';
import { useAction } from './use-action.js';

/** POST /_chatterbox/tokens for a user, with ready curl and jsforce snippets. */
export function SignInAs() {
  const [username, setUsername] = useState('');
  const [clientId, setClientId] = useState('');
  const [minted, setMinted] = useState<{ token: TokenResponse; version: string } | null>(null);
  const action = useAction();

  const mint = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const body = clientId ? { username, clientId } : { username };
      setMinted({
        token: await control<TokenResponse>('POST', '/tokens', body),
        version: await apiVersion(),
      });
    });
  };
  const snippets = minted
    ? {
        curl: `curl -H 'Authorization: Bearer ${minted.token.access_token}' -H 'X-PrettyPrint: 1' \\\n  ${minted.token.instance_url}/services/data/v${minted.version}/chatter/users/me`,
        jsforce: `import jsforce from 'jsforce';\nconst conn = new jsforce.Connection({\n  instanceUrl: '${minted.token.instance_url}',\n  accessToken: '${minted.token.access_token}',\n  version: '${minted.version}',\n});\nconst me = await conn.chatter.resource('/users/me');`,
      }
    : null;

  return (
    <section class="panel wide" aria-label="Sign in as">
      <h2>Sign in as</h2>
      <form class="inline" onSubmit={mint}>
        <label>
          Username
          <input
            value={username}
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
            required
            placeholder="alice@acme.example"
          />
        </label>
        <label>
          Client ID
          <input
            value={clientId}
            onInput={(e) => setClientId((e.target as HTMLInputElement).value)}
            placeholder="the org's first app"
          />
        </label>
        <button type="submit">Mint a token</button>
      </form>
      {action.error}
      {snippets && (
        <div class="snippets">
          <Snippet title="curl" text={snippets.curl} />
          <Snippet title="jsforce" text={snippets.jsforce} />
        </div>
      )}
    </section>
  );
}

function Snippet({ title, text }: { title: string; text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <figure aria-label={`${title} snippet`}>
      <figcaption>
        {title}
        <button
          type="button"
          class="link"
          onClick={() =>
            void navigator.clipboard.writeText(text).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </figcaption>
      <pre>{text}</pre>
    </figure>
  );
}
