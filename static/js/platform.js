// The platform's own behaviour on pages, wired by data attributes: the Content Security Policy allows no
// inline script or event handler, so every page's script is here.
(function () {
  "use strict";

  // <select data-autosubmit>: submit its form when the choice changes.
  // <select data-preset-select>: a preset replaces the filters, so the form's own filter fields are left out.
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches("select[data-preset-select]")) {
      target.form.querySelectorAll("[data-filter]").forEach((field) => { field.disabled = true; });
      target.form.requestSubmit();
    } else if (target.matches("select[data-autosubmit]")) {
      target.form.submit();
    }
  });

  // <button data-copy-filters="FORM_ID">: send the filters of another form along with this one.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy-filters]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copyFilters);
    new FormData(source).forEach((value, key) => {
      if (key === "preset" || key === "cols") return;
      const input = document.createElement("input");
      input.type = "hidden"; input.name = key; input.value = value;
      button.form.appendChild(input);
    });
  });

  // <button data-hpo-choose data-term="HP:..."> (an HPO search suggestion): the term goes into the form's hidden
  // term field and the search box shows its label; the suggestions close.
  document.addEventListener("click", (event) => {
    const choice = event.target.closest("button[data-hpo-choose]");
    if (!choice) return;
    const form = choice.closest("form");
    form.querySelector("input[name=term]").value = choice.dataset.term;
    form.querySelector("input[name=q]").value = choice.textContent.trim();
    form.querySelector("[data-hpo-suggestions]").innerHTML = "";
  });

  // <button data-toggle-body-class="C">: folds a side panel away or back (the class on <body>);
  // <button data-toggle-class="C" data-toggle-target="SELECTOR">: the same on another element.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-toggle-body-class], button[data-toggle-class]");
    if (!button) return;
    if (button.dataset.toggleBodyClass) {
      document.body.classList.toggle(button.dataset.toggleBodyClass);
    } else {
      document.querySelector(button.dataset.toggleTarget).classList.toggle(button.dataset.toggleClass);
    }
    window.dispatchEvent(new Event("resize"));  // plotly figures follow the new width
  });

  // <form data-upload-progress>: show how much of an htmx upload has gone.
  document.addEventListener("htmx:xhr:progress", (event) => {
    const form = event.target.closest && event.target.closest("form[data-upload-progress]");
    if (!form || !event.detail.lengthComputable) return;
    const percent = Math.round(100 * event.detail.loaded / event.detail.total);
    const bar = form.querySelector("progress"), label = form.querySelector("[data-upload-percent]");
    bar.hidden = false; bar.value = percent; label.textContent = `uploading ${percent}%`;
  });

  // <div data-plotly="JSON_SCRIPT_ID">: a plotly figure ({data, layout}) from a json_script element.
  function drawPlots(root) {
    if (typeof Plotly === "undefined") return;
    root.querySelectorAll("[data-plotly]").forEach((element) => {
      const figure = JSON.parse(document.getElementById(element.dataset.plotly).textContent);
      Plotly.newPlot(element, figure.data, figure.layout, {displayModeBar: false, responsive: true});
    });
  }
  document.addEventListener("DOMContentLoaded", () => drawPlots(document));
  document.addEventListener("htmx:afterSwap", (event) => drawPlots(event.target));
})();
