package io.tollgate.catalog;

import io.tollgate.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The embed loader (one script for every catalog app: it reads the app id from its own URL) and the
 * embed codes that point at it. The loader's SHA-384 is its ETag and the embed code's SRI integrity,
 * so a page runs exactly the loader it was given.
 */
@Component
class Embeds {
    static final String LOADER_PATH = "/embed/v1/";
    private final byte[] loader;
    private final String integrity;
    private final String publicUrl;
    private final Json json;

    Embeds(Json json, @Value("${tollgate.public-url:}") String publicUrl) {
        this.json = json;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        try (InputStream in = Embeds.class.getResourceAsStream("/catalog/embed-loader.js")) {
            if (in == null) throw new IllegalStateException("catalog/embed-loader.js is missing from the classpath");
            this.loader = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.integrity = "sha384-" + Base64.getEncoder().encodeToString(sha384(loader));
    }

    byte[] loader() {
        return loader;
    }

    /** The SRI value of the loader: "sha384-…". */
    String integrity() {
        return integrity;
    }

    /** Where clients reach this server: TOLLGATE_PUBLIC_URL, else the current request's own scheme and host. */
    String baseUrl() {
        return publicUrl.isEmpty() ? ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString() : publicUrl;
    }

    /** Seed 001's embed code: a script tag with data-customer-id, data-key and data-config. */
    String code(String appId, String organizationId, String embedKey, Map<String, Object> configuration) {
        return "<script src=\"" + attr(baseUrl() + LOADER_PATH + appId + ".js") + "\" integrity=\"" + integrity
                + "\" crossorigin=\"anonymous\" data-customer-id=\"" + attr(organizationId) + "\" data-key=\"" + attr(embedKey)
                + "\" data-config=\"" + attr(json.write(configuration)) + "\" async></script>";
    }

    /** An HTML attribute value in double quotes: every character that could end it or start markup is escaped. */
    static String attr(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static byte[] sha384(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-384").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
