// Pipeline page (issue 7): to be built.
export function Pipeline({}) {
  return (
    <section class="page">
      <h1>Pipeline</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}
