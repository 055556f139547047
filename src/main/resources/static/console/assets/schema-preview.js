/* Live preview of the configuration form a catalog app's configuration_schema (seed 001's format)
   makes: a textarea with data-schema-preview="<element id>" is read as the operator types, and the
   form a customer would fill in is drawn there, with the configuration it sends. No inline script:
   the console's Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* One field of the schema as form controls; returns a function reading its value back. */
  function field(container, name, spec, path) {
    var id = "preview-" + path.join("-");
    var label = (spec.label || name) + (spec.required ? " *" : "");
    if (spec.type === "object") {
      var set = el("fieldset", {"data-path": path.join(".")});
      set.appendChild(el("legend", {}, label));
      var readers = {};
      Object.keys(spec.properties || {}).forEach(function (child) {
        readers[child] = field(set, child, spec.properties[child], path.concat(child));
      });
      container.appendChild(set);
      return function () {
        var out = {};
        Object.keys(readers).forEach(function (k) { var v = readers[k](); if (v !== undefined) out[k] = v; });
        return out;
      };
    }
    var wrap = el("div", {"class": "preview-field", "data-path": path.join(".")});
    var input;
    if (spec.type === "boolean") {
      input = el("input", {type: "checkbox", id: id});
      input.checked = spec["default"] === true;
      var check = el("label", {"for": id, "class": "check"});
      check.appendChild(input);
      check.appendChild(document.createTextNode(" " + label));
      wrap.appendChild(check);
    } else {
      wrap.appendChild(el("label", {"for": id}, label));
      if (spec.type === "select") {
        input = el("select", {id: id});
        if (!spec.required && spec["default"] === undefined) input.appendChild(el("option", {value: ""}, "—"));
        (spec.options || []).forEach(function (o, i) {
          var option = el("option", {value: String(i)}, String(o));
          if (o === spec["default"]) option.selected = true;
          input.appendChild(option);
        });
      } else if (spec.type === "number" || spec.type === "integer") {
        input = el("input", {type: "number", id: id, min: spec.min, max: spec.max, step: spec.type === "integer" ? "1" : "any"});
        if (spec["default"] !== undefined) input.value = spec["default"];
      } else {
        input = el("input", {type: "text", id: id, maxlength: spec.max_length, pattern: spec.pattern});
        if (spec["default"] !== undefined) input.value = spec["default"];
      }
      if (spec.required) input.required = true;
      wrap.appendChild(input);
    }
    if (spec.description) wrap.appendChild(el("p", {"class": "hint"}, spec.description));
    container.appendChild(wrap);
    return function () {
      if (spec.type === "boolean") return input.checked;
      if (spec.type === "select") return input.value === "" ? undefined : spec.options[Number(input.value)];
      if (input.value === "") return undefined;
      if (spec.type === "number" || spec.type === "integer") return Number(input.value);
      return input.value;
    };
  }

  function setup(textarea) {
    var target = document.getElementById(textarea.getAttribute("data-schema-preview"));
    var status = document.getElementById(target.id + "-status");
    var output = document.getElementById(target.id + "-config");
    var timer = null;
    function render() {
      target.textContent = "";
      var schema;
      try {
        schema = JSON.parse(textarea.value || "{}");
      } catch (e) {
        status.textContent = "Not valid JSON yet: " + e.message;
        output.textContent = "";
        return;
      }
      if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
        status.textContent = "The schema is a JSON object: setting name → field.";
        return;
      }
      var form = el("form", {"class": "stack preview-form", "aria-label": "Configuration form preview"});
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      var readers = {};
      Object.keys(schema).forEach(function (name) {
        if (schema[name] && typeof schema[name] === "object") readers[name] = field(form, name, schema[name], [name]);
      });
      target.appendChild(form);
      function show() {
        var config = {};
        Object.keys(readers).forEach(function (k) { var v = readers[k](); if (v !== undefined) config[k] = v; });
        output.textContent = JSON.stringify(config, null, 2);
      }
      form.addEventListener("input", show);
      form.addEventListener("change", show);
      show();
      status.textContent = Object.keys(readers).length + " setting(s). Saving checks the schema in full.";
      target.setAttribute("data-preview-ready", "true");
    }
    textarea.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(render, 150); });
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-schema-preview]"), setup);
  });
})();
