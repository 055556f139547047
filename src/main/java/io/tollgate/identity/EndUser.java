package io.tollgate.identity;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** An end user of an app as the admin API shows it (never the password hash). */
@Schema(name = "EndUser")
public record EndUser(String id, String appId, String kind, String email, String phone, String externalUserId,
                      String deviceId, String masterUserId, Map<String, Object> userData, String status,
                      String mergedInto, Instant lastSeenAt, Instant createdAt,
                      @Schema(description = "Whether the email address was proven: a mailed link was followed, a password was reset "
                              + "through it, or a sign-in provider vouched for it") boolean emailVerified,
                      @Schema(example = "fr", description = "The language mails to this user are written in") String locale) {}
