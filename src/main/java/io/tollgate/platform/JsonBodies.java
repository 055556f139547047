package io.tollgate.platform;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON body of a hot endpoint read, and its answer written, without Spring MVC's generic message
 * conversion (issue 11 point 14: on the metered call that machinery — header copies, content negotiation,
 * type resolution per call, writing the answer — cost about a fifth of the JVM's samples). Same outcome as {@code @Valid
 * @RequestBody} and a returned {@link ResponseEntity}: the same strict mapper, the same exceptions for the
 * same faults (415 for a body that is not JSON, a missing body, Jackson's own problems, a body too large),
 * which the API's exception handler turns into the same envelopes; bean validation with the same
 * constraints, answered as {@code VALIDATION_FAILED} naming each field as the API spells it.
 */
@Component
public class JsonBodies {
    private static final MediaType JSON_SUFFIX = new MediaType("application", "*+json");
    private final JsonMapper mapper;
    private final Validator validator;
    /** One reader per body type: as many entries as the code names types, whatever the requests send. */
    private final Map<Class<?>, ObjectReader> readers = new ConcurrentHashMap<>();

    public JsonBodies(JsonMapper mapper, Validator validator) {
        this.mapper = mapper;
        this.validator = validator;
    }

    /** The request's body as {@code type}, validated; throws what {@code @Valid @RequestBody} would for each fault. */
    public <T> T read(HttpServletRequest request, Class<T> type) throws HttpMediaTypeNotSupportedException {
        // As Spring's own body reading: a Content-Type that is not JSON is 415, and so is a body without one;
        // no Content-Type and no body is a missing body.
        String header = request.getHeader(HttpHeaders.CONTENT_TYPE);
        MediaType contentType = header == null ? null : contentType(header);
        if (contentType != null && !(MediaType.APPLICATION_JSON.includes(contentType) || JSON_SUFFIX.includes(contentType))) {
            throw unsupported(contentType, request);
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readAllBytes(); // bounded: BodyLimitFilter ends a body past the limit with BodyTooLargeException
        } catch (IOException e) {
            throw new HttpMessageNotReadableException("I/O error while reading the body: " + e.getMessage(), e, new ServletServerHttpRequest(request));
        }
        if (body.length == 0) {
            throw new HttpMessageNotReadableException("Required request body is missing", new ServletServerHttpRequest(request));
        }
        if (contentType == null) throw unsupported(MediaType.APPLICATION_OCTET_STREAM, request);
        T value;
        try {
            ObjectReader reader = readers.computeIfAbsent(type, mapper::readerFor);
            // As Spring's converter: a charset other than Unicode's is decoded first (Jackson itself detects UTF-8/16/32).
            Charset charset = contentType.getCharset();
            value = charset == null || charset.name().startsWith("UTF-") ? reader.readValue(body) : reader.readValue(new String(body, charset));
        } catch (JacksonException e) {
            throw new HttpMessageNotReadableException("JSON parse error: " + e.getOriginalMessage(), e, new ServletServerHttpRequest(request));
        }
        if (value == null) { // the literal null
            throw new HttpMessageNotReadableException("Required request body is missing", new ServletServerHttpRequest(request));
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            List<ApiException.FieldProblem> problems = new ArrayList<>();
            for (ConstraintViolation<T> v : violations) problems.add(new ApiException.FieldProblem(fieldName(v.getPropertyPath().toString()), v.getMessage()));
            throw ApiException.invalidFields(problems);
        }
        return value;
    }

    /** Writes {@code answer} as the controller's return value would be written: its status, headers, and JSON body. */
    public void write(HttpServletResponse response, ResponseEntity<?> answer) throws IOException {
        response.setStatus(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
        Object body = answer.getBody();
        byte[] bytes = body instanceof String json ? json.getBytes(StandardCharsets.UTF_8) : mapper.writeValueAsBytes(body);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static MediaType contentType(String header) throws HttpMediaTypeNotSupportedException {
        try {
            return MediaType.parseMediaType(header);
        } catch (InvalidMediaTypeException e) {
            throw new HttpMediaTypeNotSupportedException(e.getMessage(), List.of(MediaType.APPLICATION_JSON, JSON_SUFFIX));
        }
    }

    private static HttpMediaTypeNotSupportedException unsupported(MediaType contentType, HttpServletRequest request) {
        return new HttpMediaTypeNotSupportedException(contentType, List.of(MediaType.APPLICATION_JSON, JSON_SUFFIX), HttpMethod.valueOf(request.getMethod()));
    }

    /**
     * A Java property name as the API spells the field: appId → app_id (an underscore before each capital that follows
     * a lower-case letter or a digit). The exception handler names fields of {@code @Valid} bodies by the same rule.
     */
    public static String fieldName(String javaName) {
        if (javaName == null) return "";
        StringBuilder out = new StringBuilder(javaName.length() + 4);
        for (int i = 0; i < javaName.length(); i++) {
            char c = javaName.charAt(i);
            char before = i == 0 ? 0 : javaName.charAt(i - 1);
            if (c >= 'A' && c <= 'Z' && ((before >= 'a' && before <= 'z') || (before >= '0' && before <= '9'))) out.append('_');
            out.append(c);
        }
        return out.toString().toLowerCase();
    }
}
