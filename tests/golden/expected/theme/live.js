/* Live coverage: while a live story is live, poll the updates.json beside its page and offer
   the updates published since the page was built ("3 new updates"); activating the offer
   inserts them in place. Polls every 30 s, backing off to 60 s while nothing is new and
   further on errors; paused while the tab is hidden; stopped when coverage ends.
   Without script the page is complete as of its last build. */
(function () {
  "use strict";
  var section = document.querySelector("[data-live-updates]");
  if (!section || !window.fetch || !window.URL) return;
  var list = section.querySelector("[data-live-list]");
  var offer = section.querySelector("[data-live-show]");
  if (!list || !offer) return;
  var source = new URL(section.getAttribute("data-live-updates"), location.href);
  var end = Date.parse(section.getAttribute("data-live-end") || "");
  var waiting = [];
  var timer = null;
  var failures = 0;
  var quiet = 0;

  function base() {
    // Milliseconds between polls; a page may set data-live-interval (tests do).
    var chosen = parseInt(section.getAttribute("data-live-interval") || "", 10);
    return chosen > 0 ? chosen : 30000;
  }
  function ended() {
    return !isNaN(end) && Date.now() >= end;
  }
  function delay() {
    if (failures) return Math.min(base() * Math.pow(2, failures), base() * 10);
    return Math.min(base() * Math.pow(1.25, quiet), base() * 2);
  }
  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (ended() || document.hidden) return;
    timer = setTimeout(poll, delay());
  }
  function shown() {
    var ids = {};
    var items = list.querySelectorAll("[data-update-id]");
    for (var i = 0; i < items.length; i++) ids[items[i].getAttribute("data-update-id")] = true;
    return ids;
  }
  function offerNew() {
    var count = waiting.length;
    var words = {};
    try {
      words = JSON.parse(section.getAttribute("data-words") || "{}");
    } catch (error) {
      words = {};
    }
    var other = typeof words.other === "string" ? words.other : "{count} new updates";
    var one = typeof words.one === "string" ? words.one : "1 new update";
    offer.textContent = count === 1 ? one : other.replace("{count}", String(count));
    offer.parentNode.hidden = count === 0;
  }
  function poll() {
    timer = null;
    fetch(source.href, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        var ids = shown();
        var known = {};
        for (var i = 0; i < waiting.length; i++) known[waiting[i].id] = true;
        var fresh = (data.updates || []).filter(function (u) {
          return u && typeof u.id === "string" && !ids[u.id] && !known[u.id];
        });
        quiet = fresh.length ? 0 : quiet + 1;
        waiting = waiting.concat(fresh);
        offerNew();
        if (data.live === false) return; // coverage ended: no more polls
        schedule();
      })
      .catch(function () {
        failures += 1;
        schedule();
      });
  }
  function element(html) {
    var holder = document.createElement("template");
    holder.innerHTML = String(html);
    return holder.content.firstElementChild;
  }
  function insert() {
    var ids = shown();
    var first = null;
    // Newest first, after the pinned updates (pinned ones on top).
    var anchor = list.querySelector(".live-update:not(.live-update--pinned)");
    var order = waiting.slice().sort(function (a, b) {
      return Date.parse(b.date) - Date.parse(a.date);
    });
    order.forEach(function (update) {
      if (ids[update.id]) return;
      var node = element(update.html);
      if (!node) return;
      if (update.pinned) list.insertBefore(node, list.firstChild);
      else list.insertBefore(node, anchor);
      if (!first || !update.pinned) first = first || node;
    });
    waiting = [];
    offerNew();
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  }
  offer.addEventListener("click", insert);
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else if (!timer && !ended()) {
      poll(); // back on the tab: look at once
    }
  });
  schedule();
})();
