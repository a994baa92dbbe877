/* Optional: a link in the error summary puts focus on its field and scrolls the field's
   label (or, for a radio group, its question) into view, not just the input itself.
   Without this file the browser still jumps to and focuses the field. */
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
  if (!link) { return; }
  var field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) { return; }
  var group = field.type === "radio" ? field.closest("fieldset") : null;
  var heading = group ? group.querySelector("legend") : document.querySelector("label[for='" + field.id + "']");
  event.preventDefault();
  (heading || field).scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
});

/* The checklist form, improved: answers are saved as a draft a moment after each change
   and when the page is hidden; a status line says what happened; leaving with anything
   unsaved asks first; the section list and the count follow the answers; comment boxes
   open on demand. Without this file every part still works through the form's buttons. */
(function () {
  "use strict";
  var form = document.querySelector("form.checklist[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("save-status");
  var DELAY_TYPING = 1200, DELAY_CHOICE = 300, MAX_WAIT = 4000, RETRY_MAX = 30000;

  var changes = form.hasAttribute("data-unsaved") ? 1 : 0; // edits made on this page
  var saved = 0;            // the edit count the last successful save included
  var invalid = false;      // the last save had to leave out a value that is not valid yet
  var stopped = form.hasAttribute("data-paused") ? "paused" : null;
  var inFlight = null, timer = null, retryDelay = 2000, leaving = false;

  function say(key, values) {
    var text = status.getAttribute("data-" + key) || "";
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    status.classList.remove("notice", "notice-success");
    status.classList.toggle("save-problem", key !== "saved" && key !== "saving");
    status.textContent = text;
    status.setAttribute("data-state", key === "saved" && unsaved() ? "pending" : key);
  }

  function clock() {
    var lang = document.documentElement.lang === "en" ? "en-GB" : "sv-SE";
    return new Date().toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  }

  function unsaved() { return changes !== saved || invalid || inFlight !== null; }

  /* Debounced, but a person who keeps typing is still saved every few seconds. */
  var due = null;
  function schedule(delay) {
    if (stopped) { return; }
    var now = Date.now();
    if (due === null) { due = now + MAX_WAIT; }
    clearTimeout(timer);
    timer = setTimeout(save, Math.max(0, Math.min(delay, due - now)));
  }

  function save(keepalive) {
    timer = null;
    due = null;
    if (stopped || changes === saved && !invalid) { return; }
    if (inFlight) { inFlight.again = true; return; }
    var sending = changes;
    var slow = setTimeout(function () { say("saving"); }, 1000);
    var request = { again: false };
    inFlight = request;
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" }, keepalive: keepalive === true
    }).then(function (reply) {
      var json = (reply.headers.get("Content-Type") || "").indexOf("json") >= 0;
      return (json ? reply.json() : Promise.resolve({})).then(function (body) {
        return { code: reply.status, body: body };
      });
    }).then(function (result) {
      clearTimeout(slow);
      inFlight = null;
      handle(result.code, result.body, sending);
      if (waiting) { resubmit(); return; }
      if (request.again || changes !== saved) { schedule(DELAY_CHOICE); }
    }, function () {
      clearTimeout(slow);
      inFlight = null;
      if (waiting) { resubmit(); return; }
      failed(navigator.onLine === false ? "offline" : "failed");
    });
  }

  function handle(code, body, sending) {
    if (code === 200) {
      retryDelay = 2000;
      if (!body.saved) {  // nothing worth a draft yet (an empty new form)
        saved = sending;
        invalid = Object.keys(body.unsaved || {}).length > 0;
        return;
      }
      saved = sending;
      adopt(body);
      var problems = Object.keys(body.unsaved || {}).map(function (k) { return body.unsaved[k]; });
      invalid = problems.length > 0;
      if (invalid) { say("partial", { time: clock(), problem: problems[0] }); }
      else { say("saved", { time: clock() }); }
    } else if (code === 409) {
      stopped = "conflict";
      say("conflict");
    } else if (code === 400 || code === 401 || code === 403 || code === 404) {
      stopped = "stale";
      say("stale");
    } else {
      failed("failed");
    }
  }

  function failed(key) {
    say(key);
    clearTimeout(timer);
    timer = setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX);
  }

  /* A new checklist's first save created its draft: from now on this page edits it. */
  function adopt(body) {
    form.querySelectorAll("input[name=lock_version]").forEach(function (input) {
      input.value = body.lock_version;
    });
    if (form.getAttribute("data-autosave") !== body.autosave_url) {
      form.setAttribute("data-autosave", body.autosave_url);
      form.setAttribute("action", body.edit_url);
      history.replaceState(history.state, "", body.edit_url + location.hash);
    }
  }

  form.addEventListener("input", function (event) {
    var part = event.target.closest("fieldset[data-part]");
    if (part) { lastPart = part.id; }
    changes += 1;
    status.setAttribute("data-state", "pending");
    showProgress();
    schedule(event.target.type === "radio" || event.target.type === "checkbox" ? DELAY_CHOICE : DELAY_TYPING);
  });
  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT" || event.target.type === "date") {
      changes += 1;
      status.setAttribute("data-state", "pending");
      schedule(DELAY_CHOICE);
    }
    showProgress();
  });
  /* Spara utkast and Fortsätt post the whole form. A save still on its way would change
     the lock under them, so they wait for it; Spara utkast says which part the person
     was working on, for the page that comes back to open there. */
  var lastPart = null, waiting = null;
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      waiting = button;
      return;
    }
    leaving = true;
    if (button && button.value === "draft" && lastPart) { button.value = "draft@" + lastPart; }
  });
  function resubmit() {
    var button = waiting;
    waiting = null;
    if (button) { form.requestSubmit(button); }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !leaving && unsaved()) { save(true); }
  });
  window.addEventListener("online", function () { if (unsaved()) { schedule(0); } });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !unsaved()) { return; }
    event.preventDefault();
    event.returnValue = "";
  });

  /* The section list: each part's count and state, the total and the next gap. */
  var box = document.querySelector(".parts-box");
  var states = box ? JSON.parse(box.getAttribute("data-states")) : {};

  function filled(field) {
    return Array.prototype.some.call(field.querySelectorAll("input, select, textarea"), function (e) {
      return e.type === "checkbox" || e.type === "radio" ? e.checked : e.value.trim() !== "";
    });
  }

  function showProgress() {
    if (!box) { return; }
    var answered = 0, next = null;
    form.querySelectorAll("fieldset[data-part]").forEach(function (part) {
      var items = part.querySelectorAll(".item"), done = 0, total, started;
      if (items.length) {
        items.forEach(function (item) {
          if (item.querySelector("input[type=radio]:checked")) { done += 1; }
          else if (!next || !next.number) {
            if (!next || next.detail) {
              next = { id: item.querySelector("input[type=radio]").id,
                number: item.querySelector(".item-number").textContent.replace(".", "") };
            }
          }
        });
        answered += done;
        total = items.length;
        started = done > 0;
      } else {
        var required = part.querySelectorAll(".field[data-required]");
        required.forEach(function (field) {
          if (filled(field)) { done += 1; }
          else if (!next) {
            var input = field.querySelector("input, select, textarea");
            next = { id: input.id, detail: field.querySelector("label, legend").textContent.replace(/\(.*\)/, "").trim() };
          }
        });
        total = required.length;
        started = Array.prototype.some.call(part.querySelectorAll(".field"), filled);
      }
      var state = total && done >= total || !total ? "done" : started ? "in-progress" : "not-started";
      var row = box.querySelector("[data-part-id='" + part.id + "']");
      if (!row) { return; }
      var count = row.querySelector("[data-done]");
      if (count) { count.textContent = done; }
      var tag = row.querySelector("[data-state]");
      tag.textContent = states[state];
      tag.className = "tag tag-" + state;
    });
    box.querySelector("[data-answered]").textContent = answered;
    var link = box.querySelector(".next-missing a");
    link.parentNode.hidden = !next;
    if (next) {
      link.href = "#" + next.id;
      link.textContent = next.number
        ? link.getAttribute("data-question").replace("{number}", next.number)
        : link.getAttribute("data-detail").replace("{label}", next.detail);
    }
  }

  /* On a phone the list starts folded under its summary; on a wide screen it stays open. */
  if (box && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 60em)");
    box.open = wide.matches;
    wide.addEventListener("change", function () { box.open = wide.matches; });
  }

  /* Empty comment boxes open on demand; one with text, or an error, stays open. */
  form.querySelectorAll(".comment").forEach(function (comment) {
    var area = comment.querySelector("textarea");
    if (area.value.trim() || comment.querySelector(".error-message")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "add-comment";
    button.textContent = comment.getAttribute("data-add");
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + comment.getAttribute("data-add-hidden");
    button.appendChild(hidden);
    button.setAttribute("aria-controls", comment.id);
    comment.hidden = true;
    comment.parentNode.insertBefore(button, comment);
    button.addEventListener("click", function () {
      comment.hidden = false;
      button.remove();
      area.focus();
    });
  });
  /* A link to a hidden comment box (the error summary, Ändra) opens it. */
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var comment = target && target.closest && target.closest(".comment[hidden]");
    if (comment) {
      comment.hidden = false;
      var button = comment.previousElementSibling;
      if (button && button.classList.contains("add-comment")) { button.remove(); }
      target.focus();
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  if (changes) { schedule(DELAY_TYPING); }
})();
