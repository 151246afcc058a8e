// Workflows page (issue 7): to be built.
export function Workflows({}) {
  return (
    <section class="page">
      <h1>Workflows</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}
