/* The breaking-news alert: fetches the site's alert.json (never from a cache) and shows
   its banner above the header until it expires or the reader dismisses it (remembered in
   localStorage). Without script the pages are the same, without the banner. */
(function () {
  "use strict";
  var slot = document.querySelector("[data-alert-src]");
  if (!slot || !window.fetch || !window.URL) return;
  var KEY = "newssite-alert-dismissed";

  function word(key, english) {
    try {
      var words = JSON.parse(slot.getAttribute("data-words") || "{}");
      return typeof words[key] === "string" ? words[key] : english;
    } catch (error) {
      return english;
    }
  }
  function dismissed(id) {
    try {
      return localStorage.getItem(KEY) === id;
    } catch (e) {
      return false;
    }
  }
  function remember(id) {
    try {
      localStorage.setItem(KEY, id);
    } catch (e) {
      /* private mode: dismissed for this page only */
    }
  }
  function safeUrl(value) {
    try {
      var u = new URL(String(value), location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  function show(alert) {
    if (!alert || typeof alert.text !== "string" || !alert.text) return;
    var expires = Date.parse(alert.expires);
    if (!(expires > Date.now())) return;
    var id = alert.expires + "\n" + alert.text;
    if (dismissed(id)) return;
    var level = alert.level === "developing" ? "developing" : "breaking";
    slot.className = "site-alert site-alert--" + level;
    var label = document.createElement("strong");
    label.className = "site-alert__level";
    label.textContent = word(level, level === "breaking" ? "Breaking" : "Developing");
    var text = document.createElement(safeUrl(alert.link) ? "a" : "span");
    text.className = "site-alert__text";
    text.textContent = alert.text;
    if (text.tagName === "A") text.href = safeUrl(alert.link);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "site-alert__close";
    close.setAttribute("aria-label", word("dismiss", "Dismiss this alert"));
    close.textContent = "\u00d7";
    close.addEventListener("click", function () {
      remember(id);
      slot.hidden = true;
    });
    slot.replaceChildren(label, text, close);
    slot.hidden = false;
    window.setTimeout(function () {
      slot.hidden = true;
    }, Math.min(expires - Date.now(), 2147483647));
  }
  fetch(slot.getAttribute("data-alert-src"), { cache: "no-store" })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(show)
    .catch(function () {});
})();
