package io.tollgate.platform;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Writes an error envelope from a servlet filter, where no controller advice can help. */
@Component
public class EnvelopeWriter {
    private final JsonMapper json;

    public EnvelopeWriter(JsonMapper json) {
        this.json = json;
    }

    public void write(HttpServletResponse response, int status, ApiError error) throws IOException {
        if (response.isCommitted()) return;
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), Envelope.error(error));
    }

    public void write(HttpServletResponse response, ApiException e) throws IOException {
        write(response, e.status().value(), e.toError());
    }
}
