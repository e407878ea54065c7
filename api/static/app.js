// Partial updates without a framework: lead forms post in the background and only that lead
// card is replaced; with JavaScript off the same forms post and redirect back.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const card = form.closest("article.lead");
  if (!card || form.method.toLowerCase() !== "post") return;
  event.preventDefault();
  const submitter = event.submitter;
  const body = new FormData(form);
  if (submitter && submitter.name) body.set(submitter.name, submitter.value);
  const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin" });
  if (!response.ok) {
    // Keep the user on the page and say what went wrong instead of following the POST URL.
    const alert = document.createElement("p");
    alert.className = "error";
    alert.setAttribute("role", "alert");
    // The sentence comes translated with the page (<html data-failed>).
    const sentence = document.documentElement.dataset.failed || "That did not work ({code}).";
    alert.textContent = sentence.replace("{code}", response.status);
    card.prepend(alert);
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById(card.id);
  const notice = page.querySelector("[data-testid=message]");
  if (fresh) card.replaceWith(fresh); else window.location.href = response.url;
  const old = document.querySelector("[data-testid=message]");
  if (notice && old) old.replaceWith(notice);
  else if (notice) document.querySelector("[data-testid=leads]")?.before(notice);
  document.getElementById(card.id)?.querySelector("select, input:not([type=hidden])")?.focus();
});
