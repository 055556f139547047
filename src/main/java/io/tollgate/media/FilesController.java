package io.tollgate.media;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.ApiException;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Generated files, by the token in a job's result URL. No key needed: the token is the credential. */
@RestController
@Tag(name = "Files")
class FilesController {
    private final MediaFiles files;

    FilesController(MediaFiles files) {
        this.files = files;
    }

    @GetMapping("/files/{token}")
    @Operation(summary = "Download a generated file", description = "Unauthenticated; the unguessable token is the credential")
    ResponseEntity<Resource> file(@PathVariable String token) {
        MediaFiles.Served served = files.open(token)
                .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "No such file, or it has expired"));
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(served.contentType()))
                .contentLength(served.sizeBytes())
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.inline().filename(served.filename()).build().toString())
                // The content never changes under a token; private keeps shared caches from holding a credential-like URL.
                .header(HttpHeaders.CACHE_CONTROL, "private, max-age=86400, immutable")
                .header("X-Content-Type-Options", "nosniff")
                // Opened directly, a file may not run script (an SVG could carry some) or load anything.
                .header("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
                .body(new FileSystemResource(served.path()));
    }
}
