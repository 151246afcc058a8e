// Import page (issue 7): to be built.
export function Import({}) {
  return (
    <section class="page">
      <h1>Import</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}
