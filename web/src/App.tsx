import { useEffect, useState } from 'react';
import { getToken, onUnauthorized, setToken } from './api/client.js';
import { parseRoute, type Route } from './lib/route.js';
import { Findings } from './pages/Findings.js';
import { ImageDetail } from './pages/ImageDetail.js';
import { Images } from './pages/Images.js';
import { Kubernetes } from './pages/Kubernetes.js';
import { Login } from './pages/Login.js';
import { Overview } from './pages/Overview.js';
import { Registries } from './pages/Registries.js';
import { Runtime } from './pages/Runtime.js';
import { Scans } from './pages/Scans.js';

const NAV: Array<[string, string, Route['page'][]]> = [
  ['#/overview', 'Overview', ['overview']],
  ['#/images', 'Images', ['images', 'image']],
  ['#/scans', 'Scans', ['scans']],
  ['#/findings', 'Findings', ['findings']],
  ['#/kubernetes', 'Kubernetes', ['kubernetes']],
  ['#/runtime', 'Runtime', ['runtime']],
  ['#/registries', 'Registries', ['registries']],
];

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function App() {
  const [authed, setAuthed] = useState(() => getToken() !== null);
  const [reason, setReason] = useState<string | undefined>();
  const route = useRoute();
  // Focus moves to <main> when the page changes, not when a filter or page number in the query does.
  const pageKey = route.page === 'image' ? `image:${route.digest}` : route.page === 'not-found' ? `nf:${route.path}` : route.page;
  useEffect(
    () =>
      onUnauthorized(() => {
        setToken(null);
        setReason('The server rejected the token (expired or revoked). Log in again.');
        setAuthed(false);
      }),
    [],
  );
  useEffect(() => {
    const main = document.getElementById('main');
    main?.focus();
  }, [pageKey]);
  if (!authed) return <Login reason={reason} onLogin={() => setAuthed(true)} />;
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header>
        <span className="brand">Bulkhead</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label, pages]) => (
              <li key={href}>
                <a href={href} aria-current={pages.includes(route.page) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          className="logout"
          onClick={() => {
            setToken(null);
            setReason(undefined);
            setAuthed(false);
          }}
        >
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <RoutePage route={route} />
      </main>
    </>
  );
}

function RoutePage({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <Overview />;
    case 'images':
      return <Images query={route.query} />;
    case 'scans':
      return <Scans query={route.query} />;
    case 'findings':
      return <Findings query={route.query} />;
    case 'image':
      return <ImageDetail key={route.digest} digest={route.digest} />;
    case 'kubernetes':
      return <Kubernetes />;
    case 'runtime':
      return <Runtime />;
    case 'registries':
      return <Registries />;
    case 'not-found':
      return (
        <div className="state error" role="alert">
          <h1>Page not found</h1>
          <p>
            Nothing lives at <code>#/{route.path}</code>. Go to the <a href="#/overview">overview</a>.
          </p>
        </div>
      );
  }
}
