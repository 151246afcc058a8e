// Settings page (issue 7): to be built.
export function Settings({}) {
  return (
    <section class="page">
      <h1>Settings</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}
