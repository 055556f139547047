/* Tollgate embed loader v1. Mounts a catalog app's widget in a sandboxed iframe right after this
   script tag, once Tollgate has accepted the tag's embed key (data-key) from this page's origin.
   The widget gets its configuration and the key in the iframe's URL fragment, which is never sent
   to any server. A refused key (deactivated, expired, another origin) mounts nothing. The script tag's
   data-tollgate-state tells the page what happened: mounted, refused or failed. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || !window.fetch) return;
  var src = new URL(script.src, document.baseURI);
  var match = /\/embed\/v1\/([a-z0-9][a-z0-9-]{1,49})\.js$/.exec(src.pathname);
  var key = script.getAttribute("data-key");
  if (!match || !key) return;
  var appId = match[1];
  var base = src.origin + src.pathname.slice(0, src.pathname.length - match[0].length);
  fetch(base + "/api/v1/embed/" + appId, {headers: {"Authorization": "Bearer " + key}, credentials: "omit", mode: "cors"})
    .then(function (res) { return res.ok ? res.json() : null; })
    .then(function (body) {
      if (!body || !body.success || !body.data || !/^https?:\/\//.test(body.data.widget_url)) {
        script.setAttribute("data-tollgate-state", "refused");
        return;
      }
      var embed = body.data;
      var frame = document.createElement("iframe");
      frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups");
      frame.setAttribute("title", embed.name);
      frame.setAttribute("referrerpolicy", "no-referrer");
      frame.setAttribute("data-tollgate-app", appId);
      frame.style.border = "0";
      frame.style.width = script.getAttribute("data-width") || "100%";
      frame.style.height = script.getAttribute("data-height") || "400px";
      var handoff = {app_id: appId, customer_id: embed.customer_id, configuration: embed.configuration, key: key, api_base: base};
      frame.src = embed.widget_url.split("#")[0] + "#tollgate=" + encodeURIComponent(JSON.stringify(handoff));
      script.parentNode.insertBefore(frame, script.nextSibling);
      script.setAttribute("data-tollgate-state", "mounted");
    })
    .catch(function () { script.setAttribute("data-tollgate-state", "failed"); });
})();
