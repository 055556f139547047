/**
 * The operator console: server-rendered pages at /console (Thymeleaf, htmx and Chart.js from webjars)
 * over the other modules' public services, so every change it makes is validated and audited exactly
 * as through the admin API, with the signed-in operator as the actor. Dashboards read daily rollups only.
 */
package io.tollgate.console;
