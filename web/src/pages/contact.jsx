// Contact page (issue 7): to be built.
export function ContactPage({ id }) {
  return (
    <section class="page">
      <h1>Contact</h1>
      <p class="muted">Coming soon.</p>
    </section>
  );
}
