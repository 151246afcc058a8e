// A tiny history router: the server answers index.html for any path
// without a dot (SPA fallback), so /contacts can be reloaded or bookmarked.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((fn) => fn());
  window.scrollTo(0, 0);
}

export function useLocation() {
  const [loc, setLoc] = useState(location.pathname);
  useEffect(() => {
    const fn = () => setLoc(location.pathname);
    listeners.add(fn);
    window.addEventListener('popstate', fn);
    return () => {
      listeners.delete(fn);
      window.removeEventListener('popstate', fn);
    };
  }, []);
  return loc;
}

/* An <a> that navigates without a reload (ctrl/cmd-click still opens a tab). */
export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    e.preventDefault();
    navigate(href);
    if (rest.onNavigate) rest.onNavigate();
  };
  const { onNavigate, ...props } = rest;
  return (
    <a href={href} onClick={onClick} {...props}>
      {children}
    </a>
  );
}
