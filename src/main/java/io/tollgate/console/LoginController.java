package io.tollgate.console;

import java.time.DateTimeException;
import java.time.Instant;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

@Controller
class LoginController {
    private final Fmt fmt;

    LoginController(Fmt fmt) {
        this.fmt = fmt;
    }

    @GetMapping("/console/login")
    String login(@RequestParam(required = false) String error, @RequestParam(required = false) String locked,
                 @RequestParam(name = "signed_out", required = false) String signedOut,
                 @RequestParam(required = false) String expired, Model model) {
        if (error != null) model.addAttribute("problem", "Wrong email or password.");
        if (locked != null) {
            String until;
            try {
                until = fmt.time(Instant.ofEpochSecond(Long.parseLong(locked)));
            } catch (NumberFormatException | DateTimeException e) { // a hand-edited link, not one the sign-in made
                until = "later";
            }
            // Worded for any email: unknown ones are locked alike, so the page never tells which accounts exist.
            model.addAttribute("problem", "Too many failed sign-ins with this email: it is locked until " + until + ".");
        }
        if (signedOut != null) model.addAttribute("notice", "You are signed out.");
        // A sign-in (or another form) sent with a token of an ended session: this page carries a fresh one.
        if (expired != null) model.addAttribute("problem", "The form had expired, so nothing was sent. Here is a fresh one: please sign in again.");
        return "console/login";
    }

    @GetMapping("/console")
    String home() {
        return "redirect:/console/apps";
    }
}
