/*
 * Kiosk mode for the touch screens in government service halls.
 *
 * The kiosk start page (/kiosk/) carries its address and idle time in data attributes; this
 * script remembers them for the browser tab (sessionStorage, nothing sent anywhere) so that
 * every catalogue page opened from the kiosk shows a "back to the start" button and returns to
 * the start page after 120 seconds without a touch. Pages work the same without it, and a
 * visitor who never opened the kiosk page is not affected.
 */
(function () {
  "use strict";

  var KEY = "gongkai-kiosk";
  var start = document.getElementById("kiosk-start");
  var config = null;

  try {
    if (start) {
      config = {
        home: start.getAttribute("data-kiosk-home") || "",
        idle: parseInt(start.getAttribute("data-kiosk-idle-seconds"), 10) || 120,
        label: start.getAttribute("data-kiosk-return-label") || ""
      };
      window.sessionStorage.setItem(KEY, JSON.stringify(config));
    } else {
      config = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
    }
  } catch (error) {
    config = null; // storage disabled: the kiosk still works, without the idle return
  }
  // Only a path on this site: never send the screen somewhere else.
  if (!config || typeof config.home !== "string" || !/^\/(?!\/)/.test(config.home)) {
    return;
  }

  var timer = null;

  function backToStart() {
    if (start) {
      window.scrollTo(0, 0);
      if (document.activeElement && document.activeElement.blur) {
        document.activeElement.blur();
      }
      arm();
    } else {
      window.location.assign(config.home);
    }
  }

  function arm() {
    window.clearTimeout(timer);
    timer = window.setTimeout(backToStart, config.idle * 1000);
  }

  ["pointerdown", "touchstart", "keydown", "wheel", "scroll"].forEach(function (type) {
    window.addEventListener(type, arm, { passive: true });
  });

  if (!start && config.label) {
    var link = document.createElement("a");
    link.href = config.home;
    link.className = "kiosk-return";
    link.textContent = config.label;
    document.body.appendChild(link);
  }
  arm();
})();
