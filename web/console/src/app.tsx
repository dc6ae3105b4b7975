import { useEffect, useState } from 'preact/hooks';
import { session, whenUnauthorized } from './api.js';
import { ControlsPage } from './controls.js';
import { DataPage } from './data.js';
import { LoginForm } from './login.js';
import { RequestsPage } from './requests.js';

const PAGES = { requests: 'Requests', data: 'Data', controls: 'Controls' } as const;
type Page = keyof typeof PAGES;

function currentPage(): Page {
  const name = location.hash.replace(/^#\/?/, '');
  return name in PAGES ? (name as Page) : 'requests';
}

export function App() {
  const [signedIn, setSignedIn] = useState(session.get() !== null);
  const [page, setPage] = useState<Page>(currentPage());
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    whenUnauthorized(() => {
      session.clear();
      setNotice('The admin token was refused: sign in again.');
      setSignedIn(false);
    });
    const onHash = () => setPage(currentPage());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  if (!signedIn) {
    return (
      <LoginForm
        notice={notice}
        onSignedIn={() => {
          setNotice(null);
          setSignedIn(true);
        }}
      />
    );
  }
  return (
    <div class="shell">
      <header class="bar">
        <span class="brand">Chatterbox Console</span>
        <nav>
          {(Object.keys(PAGES) as Page[]).map((name) => (
            <a
              key={name}
              href={`#/${name}`}
              class={name === page ? 'active' : ''}
              aria-current={name === page ? 'page' : undefined}
            >
              {PAGES[name]}
            </a>
          ))}
        </nav>
        <button
          type="button"
          class="link"
          onClick={() => {
            session.clear();
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        {page === 'requests' && <RequestsPage />}
        {page === 'data' && <DataPage />}
        {page === 'controls' && <ControlsPage />}
      </main>
    </div>
  );
}
