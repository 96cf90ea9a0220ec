// The read view: igv.js with the case's reference and one alignment track per sequenced person, all served by
// this site (no genome list, no other host: loadDefaultGenomes false).
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("read-view");
  const data = document.getElementById("read-view-config");
  if (!holder || !data || typeof igv === "undefined") return;
  const config = JSON.parse(data.textContent);
  igv.createBrowser(holder, {
    loadDefaultGenomes: false,
    reference: config.reference,
    locus: config.locus,
    tracks: config.tracks,
    showCenterGuide: true,
  }).then((browser) => {
    holder.dataset.ready = "true";
    window.readViewBrowser = browser;
  }).catch((error) => {
    holder.dataset.failed = String(error);
  });
});
