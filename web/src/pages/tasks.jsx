// Tasks page (issue 7): to be built.
export function Tasks({}) {
  return (
    <section class="page">
      <h1>Tasks</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}
