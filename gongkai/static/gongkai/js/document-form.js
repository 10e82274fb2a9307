/*
 * The catalogue's document form: live hints while the editor types.
 *
 * Progressive enhancement only. The form works without this script and the server checks
 * everything again when the form is sent; this script repeats some checks early, asks the
 * server whether a document number (文号) can be read, and shows the fields that matter for
 * the chosen kind and disclosure manner. Messages come from the server or from the page's
 * data-* attributes, so they are translated like the rest of the page.
 */
(function () {
  "use strict";

  var DELAY_MS = 350;

  function checkedValue(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    if (input) {
      return input.value;
    }
    var select = form.querySelector('select[name="' + name + '"]');
    return select ? select.value : "";
  }

  function fieldBox(form, name) {
    return form.querySelector(".field-" + name);
  }

  function setHidden(element, hidden) {
    if (!element) {
      return;
    }
    if (hidden) {
      element.setAttribute("hidden", "");
    } else {
      element.removeAttribute("hidden");
    }
  }

  function hasErrors(element) {
    return !!(element && element.querySelector(".errorlist"));
  }

  /* Show the interpretation section for interpretations only, hide what a news item does
   * without (the lighter form), show the video address for videos and the reason for 不予公开
   * only, and mark what the chosen kind requires. A field holding a server error is never
   * hidden. */
  function updateVisibility(form) {
    var kind = checkedValue(form, "kind");
    form.querySelectorAll("[data-kind-only]").forEach(function (section) {
      var wanted = section.getAttribute("data-kind-only") === kind;
      setHidden(section, !wanted && !hasErrors(section));
    });
    form.querySelectorAll("[data-kind-hide]").forEach(function (box) {
      setHidden(box, box.getAttribute("data-kind-hide") === kind && !hasErrors(box));
    });
    form.querySelectorAll("[data-required-for]").forEach(function (box) {
      box.classList.toggle("is-required", box.getAttribute("data-required-for") === kind);
    });
    var video = fieldBox(form, "video_url");
    setHidden(video, checkedValue(form, "interpretation_format") !== "video" && !hasErrors(video));
    var number = fieldBox(form, "doc_number");
    var normative = form.querySelector('input[name="is_normative"]');
    if (number && normative) {
      number.classList.toggle("is-required", normative.checked);
    }
    var reason = fieldBox(form, "manner_reason");
    if (reason) {
      var withheld = checkedValue(form, "manner") === "withheld";
      setHidden(reason, !withheld && !hasErrors(reason));
      reason.classList.toggle("is-required", withheld);
    }
  }

  function liveMessage(form, input, text, state) {
    var box = input.closest(".field");
    var output = box ? box.querySelector(".live-check") : null;
    if (!output) {
      return;
    }
    output.textContent = text || "";
    output.className = "live-check" + (state ? " is-" + state : "");
    if (state === "error") {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    if (!output.id) {
      output.id = input.id + "-live";
    }
    var described = (input.getAttribute("aria-describedby") || "").split(" ");
    if (described.indexOf(output.id) === -1) {
      described.push(output.id);
      input.setAttribute("aria-describedby", described.join(" ").trim());
    }
  }

  /* Ask the server to read the 文号: the same parser as the form, and a warning when another
   * document of the agency carries the same number. */
  function watchDocNumber(form) {
    var input = form.querySelector('[data-live-check="doc-number"]');
    var url = form.getAttribute("data-doc-number-check");
    if (!input || !url || !window.fetch) {
      return;
    }
    var timer = null;
    var sequence = 0;
    function check() {
      var value = input.value.trim();
      var mine = ++sequence;
      if (!value) {
        liveMessage(form, input, "", "");
        return;
      }
      var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "value=" + encodeURIComponent(value);
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data || mine !== sequence) {
            return;
          }
          if (!data.valid) {
            liveMessage(form, input, data.message, "error");
          } else if (data.duplicates && data.duplicates.length) {
            liveMessage(form, input, data.message, "warning");
          } else {
            liveMessage(form, input, data.message, "ok");
          }
        })
        .catch(function () {
          /* The server checks the number again when the form is sent. */
        });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, DELAY_MS);
    });
    input.addEventListener("blur", function () {
      window.clearTimeout(timer);
      check();
    });
    if (input.value.trim()) {
      check();
    }
  }

  function init() {
    document.querySelectorAll("form.document-form").forEach(function (form) {
      updateVisibility(form);
      form.addEventListener("change", function () {
        updateVisibility(form);
      });
      watchDocNumber(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
