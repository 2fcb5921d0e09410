/* News Feed: fills the article page's list from the site's latest-stories JSON,
   five at a time. Without script (or on any error) the plain "Latest news" link stays. */
(function () {
  "use strict";
  var list = document.querySelector("[data-newsfeed]");
  var more = list && list.nextElementSibling;
  if (!more || !window.fetch || !window.URL) return;
  var STEP = 5;
  var fallback = more.querySelector("a");
  var here = location.href;

  function path(u) {
    return u.pathname.replace(/index\.html$/, "");
  }
  function safeUrl(value) {
    try {
      var u = new URL(String(value), here);
      return u.protocol === "http:" || u.protocol === "https:" ? u : null;
    } catch (e) {
      return null;
    }
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function item(story, url) {
    var li = el("li", "newsfeed__item");
    var text = el("div", "newsfeed__text");
    if (story.section) text.appendChild(el("span", "newsfeed__section", String(story.section)));
    var link = el("a", "newsfeed__link", String(story.title));
    link.href = url.href;
    text.appendChild(link);
    if (story.date_text) {
      var time = el("time", "newsfeed__date", String(story.date_text));
      if (story.date) time.setAttribute("datetime", String(story.date));
      text.appendChild(time);
    }
    li.appendChild(text);
    var photo = story.photo && safeUrl(story.photo);
    if (photo) {
      var img = el("img", "newsfeed__photo");
      img.src = photo.href;
      img.alt = "";
      img.loading = "lazy";
      img.width = 120;
      img.height = 80;
      li.appendChild(img);
    }
    return li;
  }

  var self = path(new URL(list.getAttribute("data-self") || here, here));
  fetch(list.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      var items = [];
      (data && Array.isArray(data.stories) ? data.stories : []).forEach(function (story) {
        var url = story && story.title && safeUrl(story.url);
        if (url && path(url) !== self) items.push(item(story, url));
      });
      if (!items.length) return;
      var shown = 0;
      var button = el("button", "button", "Show More");
      button.type = "button";

      function finish() {
        if (!fallback) return button.remove();
        more.replaceChildren(fallback);
      }
      function reveal() {
        var first = items[shown];
        items.slice(shown, shown + STEP).forEach(function (li) {
          list.appendChild(li);
        });
        shown = Math.min(shown + STEP, items.length);
        return first;
      }
      reveal();
      list.hidden = false;
      if (shown < items.length) {
        more.replaceChildren(button);
        button.addEventListener("click", function () {
          var first = reveal();
          if (shown >= items.length) finish();
          first.querySelector("a").focus();
        });
      }
    })
    .catch(function () {});
})();
