// The app: who is signed in, the shell (header, nav, sign out) and the
// page for the current path. A 401 from any call returns to sign-in.
import { useEffect, useState } from 'preact/hooks';
import { api, hasSession, logout, onUnauthorized, setCsrf } from './api.js';
import { Link, navigate, useLocation } from './router.jsx';
import { SignIn } from './pages/signin.jsx';
import { Dashboard } from './pages/dashboard.jsx';
import { Contacts, requestSearchFocus } from './pages/contacts.jsx';
import { ContactPage } from './pages/contact.jsx';
import { Pipeline } from './pages/pipeline.jsx';
import { Workflows } from './pages/workflows.jsx';
import { Tasks } from './pages/tasks.jsx';
import { Settings } from './pages/settings.jsx';
import { Import } from './pages/import.jsx';

const NAV = [
  ['/', 'Dashboard'],
  ['/contacts', 'Contacts'],
  ['/pipeline', 'Pipeline'],
  ['/workflows', 'Workflows'],
  ['/tasks', 'Tasks'],
  ['/import', 'Import'],
  ['/settings', 'Settings'],
];

function NotFound() {
  return (
    <section class="page">
      <h1>Page not found</h1>
      <p>
        <Link href="/">Back to the dashboard</Link>
      </p>
    </section>
  );
}

function Page({ path, user }) {
  if (path === '/' || path === '/dashboard') return <Dashboard user={user} />;
  if (path === '/contacts') return <Contacts />;
  const contact = /^\/contacts\/([^/]+)$/.exec(path);
  if (contact) return <ContactPage id={decodeURIComponent(contact[1])} user={user} />;
  // a page may have sub-paths (/workflows/{id}): the first segment picks it
  const top = '/' + path.split('/')[1];
  if (top === '/pipeline') return <Pipeline user={user} />;
  if (top === '/workflows') return <Workflows path={path} user={user} />;
  if (top === '/tasks') return <Tasks user={user} />;
  if (top === '/settings') return <Settings path={path} user={user} />;
  if (top === '/import') return <Import user={user} />;
  return <NotFound />;
}

function Shell({ user, path, onSignOut }) {
  const [open, setOpen] = useState(false);
  // `/` focuses the contact search from anywhere (not while typing).
  useEffect(() => {
    const onKey = (e) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      const box = document.getElementById('contact-search');
      if (box) box.focus();
      else {
        requestSearchFocus();
        navigate('/contacts');
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const current = (p) =>
    p === '/' ? path === '/' || path === '/dashboard' : path === p || path.startsWith(p + '/');
  return (
    <div class="shell">
      <header class="topbar">
        <Link href="/" class="brand">
          rapport
        </Link>
        <button
          type="button"
          class="nav-toggle"
          aria-expanded={open ? 'true' : 'false'}
          aria-controls="main-nav"
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden="true">☰</span> Menu
        </button>
        <nav id="main-nav" class={open ? 'nav open' : 'nav'} aria-label="Main">
          <ul>
            {NAV.map(([p, name]) => (
              <li key={p}>
                <Link
                  href={p}
                  aria-current={current(p) ? 'page' : undefined}
                  onNavigate={() => setOpen(false)}
                >
                  {name}
                </Link>
              </li>
            ))}
          </ul>
          <div class="who">
            <span class="muted">{user.name || user.email}</span>
            <button type="button" class="link-button" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </nav>
      </header>
      <main id="main">
        <Page path={path} user={user} />
      </main>
    </div>
  );
}

export function App() {
  const path = useLocation();
  const [user, setUser] = useState(undefined); // undefined: checking; null: signed out

  useEffect(() => {
    onUnauthorized(() => {
      setCsrf(null);
      setUser(null);
    });
    // No session in this tab (the CSRF token is kept per tab): sign in
    // without asking the server, which would answer 401.
    if (!hasSession()) {
      setUser(null);
      return;
    }
    api('GET', '/me', { noAuthRedirect: true })
      .then((u) => setUser(u))
      .catch(() => setUser(null));
  }, []);

  useEffect(() => {
    const titles = { '/': 'Dashboard', '/contacts': 'Contacts' };
    const top = '/' + path.split('/')[1];
    const t = user
      ? titles[path] || (top === '/contacts' ? 'Contact' : NAV.find(([p]) => p === top)?.[1])
      : 'Sign in';
    document.title = t ? `${t} · rapport` : 'rapport';
  }, [path, user]);

  if (user === undefined) return <p class="loading" role="status">Loading…</p>;
  if (user === null)
    return (
      <SignIn
        onSignedIn={(u) => {
          setUser(u);
          if (path === '/signin') navigate('/', { replace: true });
        }}
      />
    );
  return (
    <Shell
      user={user}
      path={path === '/signin' ? '/' : path}
      onSignOut={async () => {
        try {
          await logout();
        } catch {
          /* signed out locally whatever the server said */
        }
        setUser(null);
        navigate('/', { replace: true });
      }}
    />
  );
}
