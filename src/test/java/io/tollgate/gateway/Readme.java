package io.tollgate.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Code blocks of README.md marked {@code <!-- snippet: name -->}, exactly as a reader copies them. */
final class Readme {
    private Readme() {}

    static String snippet(String name) {
        String readme;
        try {
            readme = Files.readString(Path.of("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher block = Pattern.compile("<!-- snippet: " + Pattern.quote(name) + " -->\\s*```\\w*\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        if (!block.find()) throw new AssertionError("README.md has no snippet " + name);
        return block.group(1) + "\n";
    }
}
