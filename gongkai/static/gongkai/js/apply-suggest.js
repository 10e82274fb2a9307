/*
 * The online application form (依申请公开): hints while the applicant types.
 *
 * Progressive enhancement only; the form works without this script and the server checks
 * everything when it is sent. While the description is typed, published documents that may
 * already answer it are listed under the field (article 36(1) of the Regulation), from
 * POST <data-suggest-url> with q=… and the form's CSRF token (never a GET: the description
 * may hold personal data, and a query string reaches access logs), which answers
 * {"hits": [{title, url, agency, date}]}. The
 * organisation fields are shown only for an organisation. Texts come from the page's data-*
 * attributes, so they are translated like the rest of the page.
 */
(function () {
  "use strict";

  var DELAY_MS = 400;
  var MIN_LENGTH = 2;
  var MAX_SENT = 200; /* the search reads no more than this */

  function setHidden(element, hidden) {
    if (hidden) {
      element.setAttribute("hidden", "");
    } else {
      element.removeAttribute("hidden");
    }
  }

  function hasErrors(element) {
    return !!element.querySelector(".errorlist");
  }

  function checkedValue(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  /* Elements marked data-show-if="name=value" are shown when that radio is chosen, or when
   * nothing is chosen yet, or when they hold a server error. */
  function updateVisibility(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (element) {
      var rule = element.getAttribute("data-show-if").split("=");
      var chosen = checkedValue(form, rule[0]);
      setHidden(element, chosen !== "" && chosen !== rule[1] && !hasErrors(element));
    });
  }

  function renderHits(box, intro, hits) {
    while (box.firstChild) {
      box.removeChild(box.firstChild);
    }
    if (!hits.length) {
      setHidden(box, true);
      return;
    }
    var heading = document.createElement("p");
    heading.textContent = intro;
    box.appendChild(heading);
    var list = document.createElement("ul");
    hits.forEach(function (hit) {
      if (typeof hit.url !== "string" || !/^(\/(?!\/)|https?:\/\/)/.test(hit.url)) {
        return; /* only this site's pages and web addresses */
      }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.url;
      link.textContent = hit.title;
      link.target = "_blank";
      link.rel = "noopener";
      item.appendChild(link);
      var meta = [hit.agency, hit.date].filter(Boolean).join(" · ");
      if (meta) {
        item.appendChild(document.createTextNode(" (" + meta + ")"));
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    setHidden(box, false);
  }

  function watchDescription(form) {
    var url = form.getAttribute("data-suggest-url");
    var intro = form.getAttribute("data-suggest-intro") || "";
    var input = form.querySelector('[data-apply-suggest="description"]');
    var box = document.getElementById("apply-suggestions");
    if (!url || !input || !box || !window.fetch) {
      return;
    }
    var timer = null;
    var sequence = 0;
    var last = null;
    function ask() {
      var value = input.value.trim().slice(0, MAX_SENT);
      if (value === last) {
        return;
      }
      last = value;
      var mine = ++sequence;
      if (value.length < MIN_LENGTH) {
        renderHits(box, intro, []);
        return;
      }
      var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
      var body = new URLSearchParams();
      body.append("q", value);
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
        body: body
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data || mine !== sequence) {
            return;
          }
          renderHits(box, intro, Array.isArray(data.hits) ? data.hits : []);
        })
        .catch(function () {
          /* Suggestions are a help, not a step: nothing is lost without them. */
        });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
    input.setAttribute("aria-controls", box.id);
    if (input.value.trim()) {
      ask();
    }
  }

  function init() {
    document.querySelectorAll("form.apply-form").forEach(function (form) {
      updateVisibility(form);
      form.addEventListener("change", function () {
        updateVisibility(form);
      });
      watchDescription(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
