/* Clocking in and out on a weak network.
 *
 * The tap is sent at once. When the phone has no network, it is kept on the phone with the
 * moment it was made and sent when the network returns (the server takes that moment if the
 * phone's clock is plausible). A tap that reached the server before the answer was lost is
 * harmless to send again: it says "in" or "out", and a repeat changes nothing.
 */
(function () {
  "use strict";
  var form = document.getElementById("clock-form");
  if (!form) return;
  var key = "fl.clock." + form.dataset.staff;
  var pending = document.getElementById("clock-pending");

  function kept() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function keep(list) {
    if (list.length) localStorage.setItem(key, JSON.stringify(list)); else localStorage.removeItem(key);
  }
  function send(tap) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    body.append("action", tap.action);
    if (tap.tapped_at) body.append("tapped_at", tap.tapped_at);
    // form.action is the button named "action", not the address: read the attribute.
    // The answer is a redirect to this page: not followed here, so that the reload shows its message.
    var address = form.getAttribute("action");
    return fetch(address, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" }).then(
      function (r) {
        if (!r.ok && r.type !== "opaqueredirect") throw new Error("HTTP " + r.status);
        return r;
      }
    );
  }
  function show() {
    var list = kept();
    if (!list.length) { pending.classList.add("d-none"); return; }
    var last = list[list.length - 1], at = new Date(last.tapped_at);
    var hhmm = ("0" + at.getHours()).slice(-2) + ":" + ("0" + at.getMinutes()).slice(-2);
    pending.textContent = (last.action === "out" ? pending.dataset.out : pending.dataset.in).replace("{t}", hhmm);
    pending.classList.remove("d-none");
  }
  // Send what the phone kept, oldest first; every answer from the server settles a tap (its
  // message, an error too, is on the page after the reload).
  function flush() {
    var list = kept();
    if (!list.length) return Promise.resolve(false);
    return send(list[0]).then(function () {
      keep(kept().slice(1));
      return flush().then(function () { return true; });
    });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var button = document.getElementById("clock-button");  // inside the duty card, tied by form="clock-form"
    var tap = { action: button.value, tapped_at: new Date().toISOString() };
    button.disabled = true;
    send({ action: tap.action })
      .then(function () { location.reload(); })
      .catch(function () {
        var list = kept();
        list.push(tap);
        keep(list);
        show();
      });
  });
  function retry() {
    flush().then(function (sent) { if (sent) location.reload(); }).catch(show);
  }
  window.addEventListener("online", retry);
  show();
  if (kept().length && navigator.onLine) retry();
})();
